using System.Globalization;
using System.Text.Json;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Security;
using LearnProgress.Core.Events;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace LearnProgress.Api.Events;

public static class EventsApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public sealed record EventView(string Id, string Type, string Timestamp, JsonElement Data, string Cursor);

    /// <summary>
    /// <see cref="Next"/> is the cursor to pass as <c>after</c>: past the last event listed and past the places of erased
    /// events after it; with nothing new it is the cursor given.
    /// </summary>
    public sealed record EventPage(IReadOnlyList<EventView> Events, string Next);

    public static RouteGroupBuilder MapEventsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/events").WithTags("Events").RequireAuthorization(AuthExtensions.EventsPolicy);
        group.MapGet("/", Feed).WithSummary("Every event in the order it was written, a page after a cursor.");
        return group;
    }

    public static async Task<Results<Ok<EventPage>, ProblemHttpResult>> Feed(
        [FromServices] IEventLog log, string? after, int? limit, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        long cursor = 0;
        if (after is not null && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out cursor)))
            errors["after"] = ["must be a cursor this feed returned (a non-negative integer)."];
        if (limit is < 1 or > MaxLimit) errors["limit"] = [$"must be 1 to {MaxLimit}."];
        if (errors.Count > 0) return TypedResults.Problem(Problems.Invalid(errors));

        var page = await log.ReadAfterAsync(cursor, limit ?? DefaultLimit, ct);
        return TypedResults.Ok(new EventPage(page.Events.Select(View).ToList(), page.Next.ToString(CultureInfo.InvariantCulture)));
    }

    public static EventView View(StoredEvent stored)
    {
        using var data = JsonDocument.Parse(stored.Event.Data);
        return new EventView(stored.Event.Id.ToString(), stored.Event.Type, stored.Event.FormattedTimestamp, data.RootElement.Clone(),
            stored.Sequence.ToString(CultureInfo.InvariantCulture));
    }
}
