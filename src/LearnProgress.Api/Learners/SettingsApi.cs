using System.Security.Claims;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Security;
using LearnProgress.Core.Learning;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LearnProgress.Api.Learners;

public static class SettingsApi
{
    public sealed record Settings(string? TimeZone);

    public static RouteGroupBuilder MapSettingsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/me").WithTags("Learner").RequireLearner();
        group.MapGet("/settings", Get).WithSummary("The caller's settings; timeZone is an IANA id, UTC by default.");
        group.MapPut("/settings", Put).WithSummary("Sets the caller's IANA time zone: heatmap and streak days follow it.");
        return group;
    }

    public static async Task<Ok<Settings>> Get(ClaimsPrincipal user, LearnerZones zones, CancellationToken ct)
    {
        var zone = await zones.GetAsync(user.Id(), ct);
        return TypedResults.Ok(new Settings(zone.HasIanaId ? zone.Id : "UTC"));
    }

    public static async Task<Results<Ok<Settings>, ProblemHttpResult>> Put(
        Settings settings, ClaimsPrincipal user, LearnerZones zones, CancellationToken ct)
    {
        if (!LearnerClock.TryFindZone(settings.TimeZone, out var zone))
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]>
            {
                ["timeZone"] = ["must be an IANA time zone id, e.g. Europe/Paris or America/New_York."],
            }));
        await zones.SetAsync(user.Id(), zone.Id, ct);
        return TypedResults.Ok(new Settings(zone.Id));
    }
}
