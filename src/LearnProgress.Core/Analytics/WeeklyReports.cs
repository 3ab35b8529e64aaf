using System.Globalization;
using LearnProgress.Core.Events;
using LearnProgress.Core.Learning;

namespace LearnProgress.Core.Analytics;

/// <summary>The week's figures: minutes played (one decimal), active days, lectures completed, the streak at its end.</summary>
public sealed record WeekSummary(double Minutes, int ActiveDays, int LecturesCompleted, int Streak);

/// <summary>One bar of the week's chart.</summary>
public sealed record ReportDay(DateOnly Date, string Weekday, double Minutes, bool Active);

/// <summary>An achievement earned on a day of the week.</summary>
public sealed record ReportAchievement(string AchievementId, string Title, DateOnly Day);

/// <summary>One figure of the week against the week before.</summary>
public sealed record ReportChange(string Measure, double ThisWeek, double WeekBefore, double Change, string Text);

/// <summary>What to aim for next week.</summary>
public sealed record WeekGoals(int ActiveDays, double Minutes, int LecturesCompleted);

/// <summary>
/// A learner's week, Monday to Sunday in the learner's zone: summary, chart by day, achievements earned, what rose and
/// what fell against the week before, next steps, and goals for the week after.
/// </summary>
public sealed record WeeklyReport(
    DateOnly Week, DateOnly WeekEnd, string TimeZone, WeekSummary Summary, IReadOnlyList<ReportDay> Chart,
    IReadOnlyList<ReportAchievement> Achievements, IReadOnlyList<ReportChange> Improvements, IReadOnlyList<ReportChange> Challenges,
    IReadOnlyList<NextStep> NextSteps, WeekGoals Goals);

/// <summary>The data of a <c>report.weekly</c> event: the learner and the report as <c>/me/reports/weekly</c> answers it.</summary>
public sealed record WeeklyReportData(string UserId, DateOnly Week, WeeklyReport Report);

/// <summary>The rules of the weekly report. Its weeks run Monday to Sunday whatever the learner's weekStart.</summary>
public static class WeeklyReports
{
    public const string Minutes = "minutes";
    public const string ActiveDays = "activeDays";
    public const string LecturesCompleted = "lecturesCompleted";

    public static bool IsMonday(DateOnly day) => day.DayOfWeek == DayOfWeek.Monday;

    /// <summary>The first Monday of client time (epoch 0): no learning happened in an earlier week.</summary>
    public static readonly DateOnly FirstWeek = new(1970, 1, 5);

    /// <summary>The Monday of the latest week that has ended by <paramref name="today"/>.</summary>
    public static DateOnly LastCompleteWeek(DateOnly today) => LearnerAnalytics.WeekOf(today, DayOfWeek.Monday).AddDays(-7);

    /// <summary>A week can be reported once it has ended: its Monday is at most <see cref="LastCompleteWeek"/>.</summary>
    public static bool HasEnded(DateOnly monday, DateOnly today) => monday <= LastCompleteWeek(today);

    /// <summary>A week is reported when one of its days is active.</summary>
    public static bool IsActiveWeek(IEnumerable<DayActivity> days, DateOnly monday) =>
        days.Any(d => d.Day >= monday && d.Day <= monday.AddDays(6) && d.IsActive);

    /// <summary>The id of a learner's report of a week: one per learner and week, however often it is raised.</summary>
    public static Guid EventId(string userId, DateOnly monday) => EventIds.For(EventTypes.ReportWeekly, userId, Iso(monday));

    public static LearningEvent Event(string userId, WeeklyReport report, DateTimeOffset now) =>
        LearningEvent.Create(EventTypes.ReportWeekly, userId, Iso(report.Week), now, new WeeklyReportData(userId, report.Week, report));

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The streak at the end of <paramref name="day"/>: the run holding it, or the day before while it is open.</summary>
    public static int StreakAt(IEnumerable<DayRun> runs, DateOnly day)
    {
        var list = runs.ToList();
        var holding = list.Where(r => r.Contains(day)).Cast<DayRun?>().FirstOrDefault()
            ?? list.Where(r => r.Contains(day.AddDays(-1))).Cast<DayRun?>().FirstOrDefault();
        return holding is { } run ? (run.End < day ? run.End : day).DayNumber - run.Start.DayNumber + 1 : 0;
    }

    /// <param name="days">At least the days of the week and the week before it (missing days count as empty).</param>
    public static WeeklyReport Build(DateOnly monday, string timeZone, IReadOnlyList<DayActivity> days, int streak,
        IReadOnlyList<ReportAchievement> earned, IReadOnlyList<NextStep> nextSteps)
    {
        var byDay = days.GroupBy(d => d.Day).ToDictionary(g => g.Key, g => g.First());
        var end = monday.AddDays(6);
        var chart = Enumerable.Range(0, 7).Select(i => monday.AddDays(i)).Select(day =>
        {
            var activity = byDay.GetValueOrDefault(day);
            return new ReportDay(day, WeekDays.Name(day.DayOfWeek), ToMinutes(activity?.Seconds ?? 0), activity?.IsActive ?? false);
        }).ToList();
        var (minutes, active, completed) = Totals(byDay, monday);
        var (beforeMinutes, beforeActive, beforeCompleted) = Totals(byDay, monday.AddDays(-7));

        var changes = new[]
        {
            Change(Minutes, minutes, beforeMinutes, "minute of study", "minutes of study"),
            Change(ActiveDays, active, beforeActive, "active day", "active days"),
            Change(LecturesCompleted, completed, beforeCompleted, "lecture completed", "lectures completed"),
        };
        var challenges = changes.Where(c => c.Change < 0).ToList();
        if (active == 0 && beforeActive == 0)
            challenges.Add(new ReportChange(ActiveDays, 0, 0, 0, "No active day this week or the week before: one short session restarts the habit."));

        return new WeeklyReport(monday, end, timeZone, new WeekSummary(minutes, active, completed, streak), chart,
            earned.Where(a => a.Day >= monday && a.Day <= end).OrderBy(a => a.Day).ThenBy(a => a.AchievementId, StringComparer.Ordinal).ToList(),
            changes.Where(c => c.Change > 0).ToList(), challenges, nextSteps,
            Goals(minutes, active, completed, beforeMinutes, beforeActive, beforeCompleted));
    }

    /// <summary>
    /// A step above the better of the two weeks: one more active day (at most 7), a tenth more minutes rounded up to
    /// 5 (at least 30), one more lecture.
    /// </summary>
    public static WeekGoals Goals(double minutes, int active, int completed, double beforeMinutes, int beforeActive, int beforeCompleted) =>
        new(Math.Min(7, Math.Max(active, beforeActive) + 1),
            Math.Max(30, Math.Ceiling(Math.Max(minutes, beforeMinutes) * 1.1 / 5) * 5),
            Math.Max(completed, beforeCompleted) + 1);

    private static (double Minutes, int Active, int Completed) Totals(IReadOnlyDictionary<DateOnly, DayActivity> byDay, DateOnly monday)
    {
        var week = Enumerable.Range(0, 7).Select(i => byDay.GetValueOrDefault(monday.AddDays(i))).OfType<DayActivity>().ToList();
        return (ToMinutes(week.Sum(d => d.Seconds)), week.Count(d => d.IsActive), week.Sum(d => d.Completions));
    }

    private static ReportChange Change(string measure, double now, double before, string one, string many)
    {
        var change = Math.Round(now - before, 1);
        var label = Math.Abs(change) == 1 ? one : many;
        var text = change switch
        {
            > 0 => $"{Number(change)} more {label} than the week before ({Number(now)} against {Number(before)}).",
            < 0 => $"{Number(-change)} fewer {label} than the week before ({Number(now)} against {Number(before)}).",
            _ => $"As many {many} as the week before ({Number(now)}).",
        };
        return new ReportChange(measure, now, before, change, text);
    }

    public static double ToMinutes(double seconds) => Math.Round(seconds / 60, 1);

    public static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
