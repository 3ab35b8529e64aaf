using System.Globalization;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.Record;

namespace LearnProgress.Core.Leaderboards;

/// <summary>
/// A learner's absolute total for one board week: the seconds played in the week, and the courses the change touched
/// (whose boards the learner joins for that week). Written as a whole each time, never added to, so a replay counts nothing twice.
/// </summary>
public sealed record BoardScore(string UserId, DateOnly Week, IReadOnlyList<string> Courses, double Seconds);

public sealed record BoardEntry(int Rank, string DisplayName, double Minutes);

/// <summary>The caller on a board: rank (1-based) null while the caller has no minutes on it.</summary>
public sealed record BoardMe(int? Rank, double Minutes);

public sealed record BoardStanding(IReadOnlyList<BoardEntry> Entries, BoardMe? Me);

/// <summary>The opt-in weekly boards: top learners by minutes played, globally and per course.</summary>
public interface ILeaderboards
{
    /// <summary>Sets each learner's week total on the global board and the boards of the courses the learner played that week.</summary>
    Task WriteAsync(IReadOnlyList<BoardScore> scores, CancellationToken cancellationToken = default);

    /// <summary>Shows the learner under <paramref name="displayName"/> from now on.</summary>
    Task JoinAsync(string userId, string displayName, CancellationToken cancellationToken = default);

    /// <summary>Removes the learner from every board at once, and the name.</summary>
    Task LeaveAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>The top <paramref name="top"/> of a board (a course's, or the global one with null) and where the caller stands.</summary>
    Task<BoardStanding> ReadAsync(string? courseId, DateOnly week, string userId, int top, CancellationToken cancellationToken = default);
}

/// <summary>
/// The rules of the boards. Board weeks are Monday-first weeks of the calendar date: a learner's day counts in the
/// week holding its date, and the current board week is the one holding today's UTC date. A board's score is the
/// learner's minutes played in the week (day seconds are not split by course, so a course board ranks the learners
/// who played that course in the week by their minutes that week).
/// </summary>
public static class Boards
{
    public const int Top = 50;
    public const int MaxDisplayName = 40;

    /// <summary>How long a board outlives its week: long enough to show last week's, short enough to keep Redis small.</summary>
    public static readonly TimeSpan Keep = TimeSpan.FromDays(35);

    public static DateOnly WeekOf(DateOnly day) => LearnerAnalytics.WeekOf(day, DayOfWeek.Monday);

    public static DateOnly CurrentWeek(TimeProvider time) => WeekOf(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));

    public static string Format(DateOnly week) => week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static double Minutes(double seconds) => Math.Round(seconds / 60, 1);

    /// <summary>Null when the name is fine: 1–40 characters (as a reader counts them), not blank, no control or format characters.</summary>
    public static string? CheckDisplayName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "must not be empty.";
        if (name.Any(c => char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator
                          or UnicodeCategory.ParagraphSeparator))
            return "must not hold control or format characters.";
        if (new StringInfo(name).LengthInTextElements > MaxDisplayName || name.Length > MaxDisplayName * 4)
            return $"must be at most {MaxDisplayName} characters.";
        return null;
    }

    /// <summary>
    /// The absolute week totals a plan leaves for each learner on the boards: every board week holding a day the plan
    /// writes, summed over the stored days of that week with the plan's days in place of the stored ones. Planned
    /// again over what it wrote, it gives the same totals.
    /// </summary>
    public static IReadOnlyList<BoardScore> Scores(RecordPlan plan, StoredState stored)
    {
        var scores = new List<BoardScore>();
        foreach (var (userId, learner) in stored.Learners.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            if (learner.BoardName is null || learner.GoalWindow is not { } window) continue;
            var planned = plan.Days.Where(d => d.Key.UserId == userId && window.Contains(d.Key.Day)).ToDictionary(d => d.Key.Day, d => d.Seconds);
            if (planned.Count == 0) continue;
            var courses = plan.Lectures.Where(l => l.Course.UserId == userId).Select(l => l.Course.CourseId)
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            foreach (var week in planned.Keys.Select(WeekOf).Distinct().Order())
            {
                bool InWeek(DateOnly day) => day >= week && day <= week.AddDays(6);
                var seconds = learner.GoalDays.Where(d => InWeek(d.Day) && !planned.ContainsKey(d.Day)).Sum(d => d.Seconds)
                              + planned.Where(p => InWeek(p.Key)).Sum(p => p.Value);
                scores.Add(new BoardScore(userId, week, courses, Math.Round(seconds)));
            }
        }
        return scores;
    }
}
