using System.Security.Claims;
using LearnProgress.Api.Security;
using LearnProgress.Core.Achievements;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LearnProgress.Api.Achievements;

public static class AchievementsApi
{
    public sealed record EarnedView(string Id, string Title, string Day);

    public sealed record PendingView(string Id, string Title, string Measure, double Current, double Target);

    public sealed record AchievementsView(IReadOnlyList<EarnedView> Earned, IReadOnlyList<PendingView> Progress);

    public static RouteGroupBuilder MapAchievementsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/achievements").WithTags("Achievements").RequireLearner();
        group.MapGet("/", Get).WithSummary("Achievements earned (with the learner's day) and progress toward the others.");
        return group;
    }

    public static async Task<Ok<AchievementsView>> Get(ClaimsPrincipal user, AchievementService achievements, CancellationToken ct)
    {
        var progress = await achievements.EvaluateAsync(user.Id(), ct);
        return TypedResults.Ok(new AchievementsView(
            progress.Where(p => p.Earned is not null)
                .Select(p => new EarnedView(p.Rule.Id, p.Rule.Title, p.Earned!.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))
                .ToList(),
            progress.Where(p => p.Earned is null)
                .Select(p => new PendingView(p.Rule.Id, p.Rule.Title, Measure(p.Rule.Measure), p.Current, p.Rule.Target)).ToList()));
    }

    private static string Measure(AchievementMeasure measure) => measure switch
    {
        AchievementMeasure.LecturesCompleted => "lecturesCompleted",
        AchievementMeasure.CoursesCompleted => "coursesCompleted",
        AchievementMeasure.LongestStreakDays => "longestStreakDays",
        _ => "hoursWatched",
    };
}
