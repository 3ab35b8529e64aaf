using System.Security.Claims;
using LearnProgress.Api.Learners;
using LearnProgress.Api.Security;
using LearnProgress.Api.Hosting;
using LearnProgress.Core;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.Goals;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Record;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LearnProgress.Api.Stats;

public static class StatsApi
{
    public static RouteGroupBuilder MapStatsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/stats").WithTags("Stats").RequireLearner();
        group.MapGet("/course-progress", Courses).WithSummary("Completion percentage of every course the caller has touched.");
        group.MapGet("/weekly", Weekly).WithSummary($"The caller's weeks (from the weekStart setting, Monday by default, in the caller's zone), oldest first: weeks=1..{LearnerAnalytics.MaxWeeks}, default 12. Each week carries the goal that held for it and its progress; the current week also the days left.");
        group.MapGet("/course-estimates", Estimates).WithSummary("Per course touched: footage left, recent pace and the estimated completion date.");
        group.MapGet("/patterns", Patterns).WithSummary($"When the caller plays over the last days=1..{LearningPatterns.MaxDays} (default {LearningPatterns.DefaultDays}), in the caller's zone: seconds per hour of day and per weekday (Monday first), peaks, sessions and the share of weeks with an active day.");
        group.MapGet("/student", Student).WithSummary("Streaks, completions and watch time of the caller.");
        return group;
    }

    public static async Task<Ok<IReadOnlyList<CourseCompletion>>> Courses(
        ClaimsPrincipal user, LearnerZones zones, LearningRecord record, CancellationToken ct)
    {
        var learner = user.Id();
        return TypedResults.Ok(await record.CoursesAsync(learner, await zones.GetAsync(learner, ct), ct));
    }

    public const int DefaultWeeks = 12;

    public static async Task<Results<Ok<IReadOnlyList<WeekStats>>, ProblemHttpResult>> Weekly(
        int? weeks, ClaimsPrincipal user, LearnerZones zones, ILearnerSettings settings, LearningRecord record, TimeProvider time, CancellationToken ct)
    {
        var count = weeks ?? DefaultWeeks;
        if (count is < 1 or > LearnerAnalytics.MaxWeeks)
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { ["weeks"] = [$"must be from 1 to {LearnerAnalytics.MaxWeeks}."] }));
        var learner = user.Id();
        var zone = await zones.GetAsync(learner, ct);
        var weekStart = await settings.GetWeekStartAsync(learner, ct) ?? WeekDays.Default;
        var goals = settings.GetGoalsAsync(learner, ct);
        var today = LearnerClock.Today(time, zone);
        return TypedResults.Ok(WeeklyGoals.WithGoals(await record.WeeklyAsync(learner, zone, today, count, weekStart, ct), await goals, today));
    }

    public static async Task<Ok<IReadOnlyList<CourseEstimate>>> Estimates(
        ClaimsPrincipal user, LearnerZones zones, LearningRecord record, TimeProvider time, CancellationToken ct)
    {
        var learner = user.Id();
        var zone = await zones.GetAsync(learner, ct);
        return TypedResults.Ok(await record.EstimatesAsync(learner, zone, LearnerClock.Today(time, zone), ct));
    }

    public static async Task<Results<Ok<PatternStats>, ProblemHttpResult>> Patterns(
        int? days, ClaimsPrincipal user, LearnerZones zones, ILearnerSettings settings, LearningRecord record, TimeProvider time, CancellationToken ct)
    {
        var count = days ?? LearningPatterns.DefaultDays;
        if (count is < 1 or > LearningPatterns.MaxDays)
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { ["days"] = [$"must be from 1 to {LearningPatterns.MaxDays}."] }));
        var learner = user.Id();
        var zone = await zones.GetAsync(learner, ct);
        var weekStart = await settings.GetWeekStartAsync(learner, ct) ?? WeekDays.Default;
        var today = LearnerClock.Today(time, zone);
        var from = today.AddDays(1 - count);
        return TypedResults.Ok(LearningPatterns.Of(await record.PlayedDaysAsync(learner, zone, from, today, ct), zone, from, today, weekStart));
    }

    public static async Task<Ok<StudentSummary>> Student(
        ClaimsPrincipal user, LearnerZones zones, LearningRecord record, TimeProvider time, CancellationToken ct)
    {
        var learner = user.Id();
        var zone = await zones.GetAsync(learner, ct);
        return TypedResults.Ok(await record.StudentAsync(learner, zone, LearnerClock.Today(time, zone), ct));
    }
}
