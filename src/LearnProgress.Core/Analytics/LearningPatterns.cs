using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;

namespace LearnProgress.Core.Analytics;

/// <summary>
/// One of the learner's days as the record holds it: the spans of the day spent playing (seconds since the start of
/// the learner's day, to the millisecond) and whether the day counts as active (<see cref="DayActivity.IsActive"/>).
/// </summary>
public sealed record PlayedDay(DateOnly Day, Coverage Played, bool Active);

/// <summary>Stretches of play separated by more than <see cref="LearningPatterns.SessionGap"/>.</summary>
public sealed record SessionStats(int Count, double MeanSeconds, double MedianSeconds);

/// <summary>
/// When the learner plays: seconds per hour of the day (0–23) and per weekday (Monday first) in the learner's zone,
/// the peaks of each, sessions, and the share of the window's weeks with an active day.
/// </summary>
public sealed record PatternStats(
    IReadOnlyList<double> Hours, IReadOnlyList<double> Weekdays, IReadOnlyList<int> PeakHours, IReadOnlyList<string> PeakDays,
    SessionStats Sessions, double Consistency);

/// <summary>
/// The rules of learning patterns, from the played spans the record keeps per day. Every sum is taken in whole
/// milliseconds and spans of the same day are united first, so the same spans in any order, split or repeated, give
/// the same answer.
/// </summary>
public static class LearningPatterns
{
    public const int MaxDays = 365;
    public const int DefaultDays = 90;
    public static readonly TimeSpan SessionGap = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Zone offsets and their changes fall on quarter hours, so inside one quarter hour of UTC the local hour and
    /// date cannot change: splitting a span there places every millisecond in its local hour without ever mapping a
    /// local time back to UTC (which a DST gap or overlap makes ambiguous).
    /// </summary>
    private const long QuarterHourMs = 15 * 60 * 1000;

    /// <param name="days">Played days, in any order; days outside <paramref name="from"/>..<paramref name="to"/> are ignored.</param>
    /// <param name="zone">The learner's zone: the one the days' spans are measured from.</param>
    /// <param name="weekStart">The first day of the learner's weeks, for <see cref="PatternStats.Consistency"/>.</param>
    public static PatternStats Of(IEnumerable<PlayedDay> days, TimeZoneInfo zone, DateOnly from, DateOnly to, DayOfWeek weekStart)
    {
        var byDay = new SortedDictionary<DateOnly, (Coverage Played, bool Active)>();
        foreach (var day in days)
        {
            if (day.Day < from || day.Day > to) continue;
            var (played, active) = byDay.GetValueOrDefault(day.Day, (Coverage.Empty, false));
            byDay[day.Day] = (played.Union(day.Played), active || day.Active);
        }

        var hours = new long[24];
        var weekdays = new long[7];
        var spans = new List<(long Start, long End)>();
        foreach (var (day, (played, _)) in byDay)
        {
            var dayStart = LearnerClock.StartOf(day, zone);
            foreach (var interval in played.Intervals)
            {
                var start = dayStart + Millis(interval.Start);
                var end = dayStart + Millis(interval.End);
                if (end <= start) continue;
                spans.Add((start, end));
                for (var piece = start; piece < end;)
                {
                    var next = Math.Min(end, (piece / QuarterHourMs + 1) * QuarterHourMs);
                    var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(piece), zone);
                    hours[local.Hour] += next - piece;
                    weekdays[MondayFirst(local.DayOfWeek)] += next - piece;
                    piece = next;
                }
            }
        }

        var weeks = (LearnerAnalytics.WeekOf(to, weekStart).DayNumber - LearnerAnalytics.WeekOf(from, weekStart).DayNumber) / 7 + 1;
        var activeWeeks = byDay.Where(d => d.Value.Active).Select(d => LearnerAnalytics.WeekOf(d.Key, weekStart)).Distinct().Count();

        return new PatternStats(
            hours.Select(Seconds).ToList(),
            weekdays.Select(Seconds).ToList(),
            Peaks(hours).ToList(),
            Peaks(weekdays).Select(i => WeekDays.Name((DayOfWeek)((i + 1) % 7))).ToList(),
            Sessions(spans),
            Math.Round((double)activeWeeks / weeks, 3));
    }

    /// <summary>Index 0 is Monday, 6 is Sunday.</summary>
    public static int MondayFirst(DayOfWeek day) => ((int)day + 6) % 7;

    /// <summary>
    /// Play separated by gaps longer than <see cref="SessionGap"/>; a session lasts from its first to its last played
    /// moment, short pauses included, and may run past midnight.
    /// </summary>
    public static SessionStats Sessions(IEnumerable<(long Start, long End)> spans)
    {
        var gap = (long)SessionGap.TotalMilliseconds;
        var lengths = new List<long>();
        long? sessionStart = null, sessionEnd = null;
        foreach (var (start, end) in spans.OrderBy(s => s.Start).ThenBy(s => s.End))
        {
            if (sessionEnd is { } last && start - last <= gap)
            {
                sessionEnd = Math.Max(last, end);
                continue;
            }
            if (sessionStart is { } first) lengths.Add(sessionEnd!.Value - first);
            (sessionStart, sessionEnd) = (start, end);
        }
        if (sessionStart is { } open) lengths.Add(sessionEnd!.Value - open);
        if (lengths.Count == 0) return new SessionStats(0, 0, 0);
        lengths.Sort();
        var middle = lengths.Count / 2;
        var median = lengths.Count % 2 == 1 ? lengths[middle] : (lengths[middle - 1] + lengths[middle]) / 2.0;
        return new SessionStats(lengths.Count, Math.Round(lengths.Sum() / 1000.0 / lengths.Count, 1), Math.Round(median / 1000.0, 1));
    }

    /// <summary>The indexes holding the most time, ties included; none when nothing was played.</summary>
    private static IEnumerable<int> Peaks(long[] totals)
    {
        var max = totals.Max();
        return max <= 0 ? [] : Enumerable.Range(0, totals.Length).Where(i => totals[i] == max);
    }

    private static long Millis(double seconds) => (long)Math.Round(seconds * 1000, MidpointRounding.AwayFromZero);

    private static double Seconds(long millis) => Math.Round(millis / 1000.0, 1);
}
