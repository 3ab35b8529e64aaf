using System.Security.Claims;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Security;
using LearnProgress.Core.Leaderboards;
using LearnProgress.Core.Progress;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LearnProgress.Api.Leaderboards;

public static class LeaderboardsApi
{
    /// <summary>A board of one week: the top learners who joined, and the caller's own standing (null until the caller joins).</summary>
    public sealed record WeeklyBoard(DateOnly Week, string? CourseId, IReadOnlyList<BoardEntry> Entries, BoardMe? Me);

    public static RouteGroupBuilder MapLeaderboardsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/leaderboards").WithTags("Leaderboards").RequireLearner();
        group.MapGet("/weekly", Weekly).WithSummary(
            $"The current week's board (Monday-first, by UTC date) of learners who joined: the top {Boards.Top} by minutes played, globally or in one course (courseId), and the caller's rank.");
        return group;
    }

    public static async Task<Results<Ok<WeeklyBoard>, ProblemHttpResult>> Weekly(
        string? courseId, ClaimsPrincipal user, ILeaderboards boards, TimeProvider time, CancellationToken ct)
    {
        if (courseId is not null && !Ids.IsValid(courseId))
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { ["courseId"] = ["must be a course id: 1–64 of A-Z a-z 0-9 _ -."] }));
        var week = Boards.CurrentWeek(time);
        var standing = await boards.ReadAsync(courseId, week, user.Id(), Boards.Top, ct);
        return TypedResults.Ok(new WeeklyBoard(week, courseId, standing.Entries, standing.Me));
    }
}
