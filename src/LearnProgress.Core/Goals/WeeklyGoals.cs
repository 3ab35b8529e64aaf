using LearnProgress.Core.Analytics;
using LearnProgress.Core.Record;

namespace LearnProgress.Core.Goals;

/// <summary>A weekly target: minutes played and lectures completed; 0 means no target of that kind.</summary>
public readonly record struct WeeklyGoal(int Minutes, int Lectures)
{
    public const int MaxMinutes = 10_080;
    public const int MaxLectures = 1_000;

    public static readonly WeeklyGoal None = new(0, 0);

    public bool IsSet => Minutes > 0 || Lectures > 0;

    public static bool ValidMinutes(int minutes) => minutes is >= 0 and <= MaxMinutes;

    public static bool ValidLectures(int lectures) => lectures is >= 0 and <= MaxLectures;
}

/// <summary>
/// A goal as the learner set it, effective from <see cref="From"/>, the learner's day it was set on: it applies to the
/// week holding that day and every later week until the next change, so a goal changed mid-week holds for that week
/// and earlier weeks keep theirs.
/// </summary>
public sealed record GoalChange(DateOnly From, WeeklyGoal Goal);

/// <summary>Whole weeks of a learner's days, both ends included.</summary>
public readonly record struct GoalWindow(DateOnly First, DateOnly Last)
{
    public bool Contains(DateOnly day) => day >= First && day <= Last;
}

/// <summary>How far a week is towards its goal. <see cref="DaysLeft"/> is set for the current week only and counts today.</summary>
public sealed record WeekGoalProgress(
    int GoalMinutes, int GoalLectures, double Minutes, int Lectures, bool Met, double MinutesLeft, int LecturesLeft, int? DaysLeft);

/// <summary>The rules of weekly goals: which goal holds for a week, how far a week is, and when a week meets it.</summary>
public static class WeeklyGoals
{
    /// <summary>The goal in force for the week starting <paramref name="weekStart"/>: the last change made on or before its last day.</summary>
    public static WeeklyGoal For(IReadOnlyList<GoalChange> history, DateOnly weekStart)
    {
        var last = weekStart.AddDays(6);
        GoalChange? found = null;
        foreach (var change in history)
            if (change.From <= last && (found is null || change.From > found.From)) found = change;
        return found?.Goal ?? WeeklyGoal.None;
    }

    /// <summary>The goal the learner has now (the latest change), <see cref="WeeklyGoal.None"/> before any.</summary>
    public static WeeklyGoal Current(IReadOnlyList<GoalChange> history) =>
        history.Count == 0 ? WeeklyGoal.None : history.MaxBy(c => c.From)!.Goal;

    /// <summary>
    /// A week meets a set goal when every target it names is reached; a week without a goal never does. Minutes compare
    /// on seconds, so 29:59 of a 30-minute goal is not met.
    /// </summary>
    public static bool Met(WeeklyGoal goal, double seconds, int lectures) =>
        goal.IsSet && seconds >= goal.Minutes * 60.0 && lectures >= goal.Lectures;

    public static WeekGoalProgress? Progress(WeeklyGoal goal, double seconds, int lectures, DateOnly weekStart, DateOnly today)
    {
        if (!goal.IsSet) return null;
        var minutes = Math.Round(seconds / 60, 1);
        var current = today >= weekStart && today <= weekStart.AddDays(6);
        return new WeekGoalProgress(goal.Minutes, goal.Lectures, minutes, lectures, Met(goal, seconds, lectures),
            Math.Max(0, Math.Round(goal.Minutes - seconds / 60, 1)), Math.Max(0, goal.Lectures - lectures),
            current ? weekStart.AddDays(6).DayNumber - today.DayNumber + 1 : null);
    }

    /// <summary>The weeks with the goal that held for each and how far each got.</summary>
    public static IReadOnlyList<WeekStats> WithGoals(IReadOnlyList<WeekStats> weeks, IReadOnlyList<GoalChange> history, DateOnly today) =>
        history.Count == 0 ? weeks : weeks.Select(w => w with
        {
            Goal = Progress(For(history, w.WeekStart), w.Seconds, w.LecturesCompleted, w.WeekStart, today),
        }).ToList();

    /// <summary>
    /// A change the learner makes today: replaces one made earlier the same day, otherwise adds to the history. A
    /// goal equal to the one in force is no change at all.
    /// </summary>
    public static GoalChange? Change(IReadOnlyList<GoalChange> history, WeeklyGoal goal, DateOnly today) =>
        Current(history) == goal ? null : new GoalChange(today, goal);

    /// <summary>
    /// The days a store loads so a change of <paramref name="userId"/> can be judged against the learner's goals and
    /// board weeks: the whole weeks (the learner's, and the Monday-first board weeks) holding the days the change
    /// touches; null when the change touches none.
    /// </summary>
    public static GoalWindow? Window(RecordChange change, string userId, DayOfWeek weekStart)
    {
        var days = change.Days.Where(d => d.UserId == userId).Select(d => d.Day)
            .Concat(change.Completions.Where(c => c.UserId == userId).Select(c => c.Day)).ToList();
        if (days.Count == 0) return null;
        DateOnly First(DayOfWeek start) => LearnerAnalytics.WeekOf(days.Min(), start);
        DateOnly Last(DayOfWeek start) => LearnerAnalytics.WeekOf(days.Max(), start).AddDays(6);
        var first = First(weekStart) < First(DayOfWeek.Monday) ? First(weekStart) : First(DayOfWeek.Monday);
        var last = Last(weekStart) > Last(DayOfWeek.Monday) ? Last(weekStart) : Last(DayOfWeek.Monday);
        return new GoalWindow(first, last);
    }
}
