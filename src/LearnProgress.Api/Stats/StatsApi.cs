using System.Security.Claims;
using LearnProgress.Api.Learners;
using LearnProgress.Api.Security;
using LearnProgress.Core;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LearnProgress.Api.Stats;

public static class StatsApi
{
    public sealed record CourseProgress(string CourseId, double Progress);

    public sealed record StudentStats(int CurrentStreak, int LongestStreak, int TotalCompleted, double TotalWatchSeconds, string? LastActiveDate);

    /// <summary>Buffered days are at most this old (the accepted client-time window), so runs ending earlier cannot change.</summary>
    private const int RecentDays = 32;

    public static RouteGroupBuilder MapStatsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/stats").WithTags("Stats").RequireLearner();
        group.MapGet("/course-progress", Courses).WithSummary("Completion percentage of every course the caller has touched.");
        group.MapGet("/student", Student).WithSummary("Streaks, completions and watch time of the caller.");
        return group;
    }

    public static async Task<Ok<List<CourseProgress>>> Courses(ClaimsPrincipal user, IProgressStore store, CancellationToken ct)
    {
        var completions = await store.ReadCourseCompletionsAsync(user.Id(), ct);
        return TypedResults.Ok(completions
            .Select(c => new CourseProgress(c.CourseId, CourseProgressView.Percentage(c.Completed, c.TotalLectures)))
            .ToList());
    }

    public static async Task<Ok<StudentStats>> Student(
        ClaimsPrincipal user, LearnerZones zones, IProgressStore store, IProgressBuffer buffer, TimeProvider time, CancellationToken ct)
    {
        var learner = user.Id();
        var today = LearnerClock.Today(time, await zones.GetAsync(learner, ct));
        var record = await store.ReadLearnerAsync(learner, today.AddDays(-RecentDays), ct);
        var buffered = await buffer.ReadActivityAsync(learner, ct);

        // Played seconds not flushed yet: the buffer holds day totals, so only the part above the stored day counts.
        var unflushed = 0.0;
        if (buffered.Count > 0)
        {
            var stored = (await store.ReadActivityAsync(learner, buffered.Keys.Min(), buffered.Keys.Max(), ct)).ToDictionary(d => d.Day, d => d.Seconds);
            unflushed = buffered.Sum(kv => Math.Max(0, kv.Value - stored.GetValueOrDefault(kv.Key)));
        }
        var pendingActive = buffered.Where(kv => kv.Value >= DayActivity.ActiveSeconds).Select(kv => kv.Key);
        var (current, longest, lastActive) = Streaks.Compute(record.RecentRuns, pendingActive, record.LongestStreak, today);
        return TypedResults.Ok(new StudentStats(current, longest, record.TotalCompleted,
            Math.Round(record.TotalWatchSeconds + unflushed, 1), lastActive?.ToString("yyyy-MM-dd")));
    }
}
