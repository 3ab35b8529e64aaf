using System.Security.Claims;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Security;
using LearnProgress.Core;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.Learning;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LearnProgress.Api.Learners;

public static class SettingsApi
{
    /// <summary>timeZone is an IANA id; weekStart the day weeks start on (monday … sunday). PUT changes the fields it names.</summary>
    public sealed record Settings(string? TimeZone, string? WeekStart = null);

    public static RouteGroupBuilder MapSettingsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/me").WithTags("Learner").RequireLearner();
        group.MapGet("/settings", Get).WithSummary("The caller's settings; timeZone is an IANA id (UTC by default), weekStart monday by default.");
        group.MapPut("/settings", Put).WithSummary("Sets the caller's IANA time zone (heatmap and streak days follow it) and/or the day weeks start on.");
        return group;
    }

    public static async Task<Ok<Settings>> Get(ClaimsPrincipal user, LearnerZones zones, ILearnerSettings settings, CancellationToken ct)
    {
        var learner = user.Id();
        var zone = await zones.GetAsync(learner, ct);
        return TypedResults.Ok(new Settings(zone.HasIanaId ? zone.Id : "UTC", WeekDays.Name(await settings.GetWeekStartAsync(learner, ct) ?? WeekDays.Default)));
    }

    public static async Task<Results<Ok<Settings>, ProblemHttpResult>> Put(
        Settings body, ClaimsPrincipal user, LearnerZones zones, ILearnerSettings settings, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        TimeZoneInfo? zone = null;
        if (body.TimeZone is not null || body.WeekStart is null)
        {
            if (LearnerClock.TryFindZone(body.TimeZone, out var found)) zone = found;
            else errors["timeZone"] = ["must be an IANA time zone id, e.g. Europe/Paris or America/New_York."];
        }
        DayOfWeek? weekStart = null;
        if (body.WeekStart is not null)
        {
            if (WeekDays.TryParse(body.WeekStart, out var day)) weekStart = day;
            else errors["weekStart"] = ["must be a day of the week, e.g. monday or sunday."];
        }
        // Every field is checked before anything is written, so a bad one changes nothing.
        if (errors.Count > 0) return TypedResults.Problem(Problems.Invalid(errors));
        var learner = user.Id();
        if (zone is not null) await zones.SetAsync(learner, zone.Id, ct);
        if (weekStart is { } start) await settings.SetWeekStartAsync(learner, start, ct);
        return TypedResults.Ok((await Get(user, zones, settings, ct)).Value!);
    }
}
