using LearnProgress.Core.Learning;

namespace LearnProgress.Core.Analytics;

/// <summary>One week of the learner's days and its change against the week before.</summary>
public sealed record WeekStats(DateOnly WeekStart, double Seconds, int ActiveDays, int LecturesCompleted, WeekChange Change)
{
    /// <summary>The goal that held for the week and how far the week got; null when none was set.</summary>
    public Goals.WeekGoalProgress? Goal { get; init; }
}

/// <summary>This week minus the week before.</summary>
public sealed record WeekChange(double Seconds, int ActiveDays, int LecturesCompleted);

/// <summary>What is left of a course and when, at the learner's recent pace, it would be done.</summary>
public sealed record CourseEstimate(string CourseId, double Progress, double RemainingSeconds, double? PaceSecondsPerActiveDay, DateOnly? EstimatedCompletion);

/// <summary>The learner's pace over the recent window: seconds per active day, and per calendar day for estimates.</summary>
public sealed record RecentPace(double Seconds, int ActiveDays, int WindowDays)
{
    public double? PerActiveDay => ActiveDays == 0 || Seconds <= 0 ? null : Math.Round(Seconds / ActiveDays, 1);

    /// <summary>
    /// The day the remaining footage would be played if the window's rhythm goes on (its seconds spread over all its
    /// calendar days, rest days included); none without recent playing or with nothing left.
    /// </summary>
    public DateOnly? Finish(double remainingSeconds, DateOnly today) =>
        PerActiveDay is null || remainingSeconds <= 0 ? null
            : today.AddDays((int)Math.Min(36_500, Math.Ceiling(remainingSeconds * WindowDays / Seconds)));
}

/// <summary>The rules of the learner's analytics, from the same merged days every other read uses.</summary>
public static class LearnerAnalytics
{
    public const int MaxWeeks = 52;
    public const int PaceWindowDays = 28;

    /// <summary>The first day of the week holding <paramref name="day"/>.</summary>
    public static DateOnly WeekOf(DateOnly day, DayOfWeek weekStart) => day.AddDays(-(((int)day.DayOfWeek - (int)weekStart + 7) % 7));

    /// <summary>The first day whose activity <see cref="Weekly"/> needs: the week before the oldest week answered.</summary>
    public static DateOnly WeeklyFrom(DateOnly today, int weeks, DayOfWeek weekStart) => WeekOf(today, weekStart).AddDays(-7 * weeks);

    /// <summary>
    /// <paramref name="weeks"/> weeks ending with the current one (which runs to today only), oldest first, each with its
    /// change against the week before. <paramref name="days"/> holds at least the days from <see cref="WeeklyFrom"/>.
    /// </summary>
    public static IReadOnlyList<WeekStats> Weekly(IReadOnlyList<DayActivity> days, DateOnly today, int weeks, DayOfWeek weekStart)
    {
        var byWeek = days.Where(d => d.Day <= today).GroupBy(d => WeekOf(d.Day, weekStart)).ToDictionary(g => g.Key, g => (
            Seconds: Math.Round(g.Sum(d => d.Seconds), 1), Active: g.Count(d => d.IsActive), Completed: g.Sum(d => d.Completions)));
        var answer = new List<WeekStats>(weeks);
        var current = WeekOf(today, weekStart);
        for (var week = current.AddDays(-7 * (weeks - 1)); week <= current; week = week.AddDays(7))
        {
            var (seconds, active, completed) = byWeek.GetValueOrDefault(week);
            var (previousSeconds, previousActive, previousCompleted) = byWeek.GetValueOrDefault(week.AddDays(-7));
            answer.Add(new WeekStats(week, seconds, active, completed,
                new WeekChange(Math.Round(seconds - previousSeconds, 1), active - previousActive, completed - previousCompleted)));
        }
        return answer;
    }

    /// <summary>Seconds and active days over the window ending today; <paramref name="days"/> covers it.</summary>
    public static RecentPace Pace(IReadOnlyList<DayActivity> days, DateOnly today)
    {
        var from = today.AddDays(1 - PaceWindowDays);
        var window = days.Where(d => d.Day >= from && d.Day <= today).ToList();
        return new RecentPace(window.Sum(d => d.Seconds), window.Count(d => d.IsActive), PaceWindowDays);
    }

    /// <summary>
    /// A level from 0 to 4 per day, as GitHub's contribution graph draws them: 0 for a day without activity, otherwise
    /// the quartile of the day's seconds among the learner's non-zero days, after values beyond the upper fence
    /// (Q3 + 1.5 × IQR) are trimmed, so one marathon day does not push every other day into level 1. A day above the
    /// fence is level 4; a day with a mark or completion but no seconds is level 1.
    /// </summary>
    public static IReadOnlyList<int> Levels(IReadOnlyList<DayActivity> days)
    {
        var nonZero = days.Where(d => d.Seconds > 0).Select(d => d.Seconds).Order().ToList();
        if (nonZero.Count == 0) return days.Select(d => d.Count > 0 ? 1 : 0).ToList();
        var (q1, _, q3) = Quartiles(nonZero);
        var fence = q3 + 1.5 * (q3 - q1);
        var trimmed = nonZero.Where(v => v <= fence).ToList();
        var (t1, t2, t3) = Quartiles(trimmed);
        return days.Select(d => d.Seconds <= 0 ? (d.Count > 0 ? 1 : 0)
            : d.Seconds <= t1 ? 1 : d.Seconds <= t2 ? 2 : d.Seconds <= t3 ? 3 : 4).ToList();
    }

    /// <summary>Quartiles of sorted values by linear interpolation between closest ranks.</summary>
    private static (double Q1, double Q2, double Q3) Quartiles(IReadOnlyList<double> sorted) =>
        (Quantile(sorted, 0.25), Quantile(sorted, 0.5), Quantile(sorted, 0.75));

    private static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        var position = (sorted.Count - 1) * q;
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }
}
