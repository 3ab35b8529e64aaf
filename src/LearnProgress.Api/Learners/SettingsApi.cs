using System.Security.Claims;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Security;
using LearnProgress.Core;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.Goals;
using LearnProgress.Core.Leaderboards;
using LearnProgress.Core.Learning;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LearnProgress.Api.Learners;

public static class SettingsApi
{
    /// <summary>
    /// timeZone is an IANA id; weekStart the day weeks start on (monday … sunday); weeklyGoalMinutes (0 … 10080) and
    /// weeklyGoalLectures (0 … 1000) the weekly goal, 0 for none; leaderboard whether the learner is on the weekly
    /// boards, under displayName (1–40 characters). PUT changes the fields it names.
    /// </summary>
    public sealed record Settings(string? TimeZone, string? WeekStart = null, int? WeeklyGoalMinutes = null, int? WeeklyGoalLectures = null,
        bool? Leaderboard = null, string? DisplayName = null);

    public static RouteGroupBuilder MapSettingsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/me").WithTags("Learner").RequireLearner();
        group.MapGet("/settings", Get).WithSummary("The caller's settings; timeZone is an IANA id (UTC by default), weekStart monday by default.");
        group.MapPut("/settings", Put).WithSummary(
            "Sets the caller's IANA time zone (heatmap and streak days follow it), the day weeks start on, the weekly goal (from the current week on) and/or joins (leaderboard: true, displayName) or leaves the weekly boards.");
        return group;
    }

    public static async Task<Ok<Settings>> Get(ClaimsPrincipal user, LearnerZones zones, ILearnerSettings settings, CancellationToken ct)
    {
        var learner = user.Id();
        var zone = await zones.GetAsync(learner, ct);
        var goal = WeeklyGoals.Current(await settings.GetGoalsAsync(learner, ct));
        var boardName = await settings.GetBoardNameAsync(learner, ct);
        return TypedResults.Ok(new Settings(zone.HasIanaId ? zone.Id : "UTC", WeekDays.Name(await settings.GetWeekStartAsync(learner, ct) ?? WeekDays.Default),
            goal.Minutes, goal.Lectures, boardName is not null, boardName));
    }

    public static async Task<Results<Ok<Settings>, ProblemHttpResult>> Put(
        Settings body, ClaimsPrincipal user, LearnerZones zones, ILearnerSettings settings, ILeaderboards boards, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        TimeZoneInfo? zone = null;
        var other = body.WeekStart is not null || body.WeeklyGoalMinutes is not null || body.WeeklyGoalLectures is not null
                    || body.Leaderboard is not null || body.DisplayName is not null;
        // A body naming nothing else sets the zone, as it always did, so an empty body says the zone is missing.
        if (body.TimeZone is not null || !other)
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
        if (body.WeeklyGoalMinutes is { } minutes && !WeeklyGoal.ValidMinutes(minutes))
            errors["weeklyGoalMinutes"] = [$"must be from 0 (no goal) to {WeeklyGoal.MaxMinutes} minutes."];
        if (body.WeeklyGoalLectures is { } lectures && !WeeklyGoal.ValidLectures(lectures))
            errors["weeklyGoalLectures"] = [$"must be from 0 (no goal) to {WeeklyGoal.MaxLectures} lectures."];
        var learner = user.Id();
        var boardName = body.Leaderboard is true || body.DisplayName is not null ? await settings.GetBoardNameAsync(learner, ct) : null;
        if (body.DisplayName is not null && Boards.CheckDisplayName(body.DisplayName) is { } nameError)
            errors["displayName"] = [nameError];
        else if (body.Leaderboard is true && body.DisplayName is null && boardName is null)
            errors["displayName"] = ["is needed to join the leaderboard."];
        else if (body.Leaderboard is false && body.DisplayName is not null)
            errors["displayName"] = ["cannot be set while leaving the leaderboard."];
        else if (body.Leaderboard is null && body.DisplayName is not null && boardName is null)
            errors["displayName"] = ["is shown on the leaderboard only: join it with leaderboard: true."];
        // Every field is checked before anything is written, so a bad one changes nothing.
        if (errors.Count > 0) return TypedResults.Problem(Problems.Invalid(errors));
        if (zone is not null) await zones.SetAsync(learner, zone.Id, ct);
        if (weekStart is { } start) await settings.SetWeekStartAsync(learner, start, ct);
        if (body.WeeklyGoalMinutes is not null || body.WeeklyGoalLectures is not null)
        {
            var history = await settings.GetGoalsAsync(learner, ct);
            var current = WeeklyGoals.Current(history);
            var goal = new WeeklyGoal(body.WeeklyGoalMinutes ?? current.Minutes, body.WeeklyGoalLectures ?? current.Lectures);
            // The learner's today, in the zone this same request may have just set.
            var today = LearnerClock.Today(time, zone ?? await zones.GetAsync(learner, ct));
            if (WeeklyGoals.Change(history, goal, today) is { } change) await settings.SetGoalAsync(learner, change, ct);
        }
        if (body.Leaderboard is false)
        {
            // The store first: a flush that reads the learner afterwards plans no board score.
            await settings.SetBoardNameAsync(learner, null, ct);
            await boards.LeaveAsync(learner, ct);
        }
        else if (body.DisplayName is { } name)
        {
            await settings.SetBoardNameAsync(learner, name, ct);
            await boards.JoinAsync(learner, name, ct);
        }
        return TypedResults.Ok((await Get(user, zones, settings, ct)).Value!);
    }
}
