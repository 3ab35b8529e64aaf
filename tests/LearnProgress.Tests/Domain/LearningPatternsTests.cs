using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;

namespace LearnProgress.Tests.Domain;

public sealed class LearningPatternsTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");

    private static PlayedDay Day(DateOnly day, params (double From, double To)[] spans) =>
        new(day, spans.Aggregate(Coverage.Empty, (c, s) => c.Add(s.From, s.To)), true);

    private static double At(int hour, int minute = 0) => hour * 3600 + minute * 60;

    private static readonly DateOnly Tuesday = new(2026, 3, 10);

    [Fact]
    public void Seconds_land_in_the_local_hours_and_weekday_they_were_played_in()
    {
        var stats = LearningPatterns.Of([Day(Tuesday, (At(10, 30), At(11, 15)))], Paris, Tuesday, Tuesday, DayOfWeek.Monday);

        Assert.Equal(1800, stats.Hours[10]);
        Assert.Equal(900, stats.Hours[11]);
        Assert.Equal(2700, stats.Hours.Sum());
        Assert.Equal([0, 2700, 0, 0, 0, 0, 0], stats.Weekdays);
        Assert.Equal([10], stats.PeakHours);
        Assert.Equal(["tuesday"], stats.PeakDays);
    }

    [Fact]
    public void A_half_hour_zone_splits_play_at_its_own_hour_boundaries()
    {
        var stats = LearningPatterns.Of([Day(Tuesday, (At(10, 45), At(11, 15)))], Kolkata, Tuesday, Tuesday, DayOfWeek.Monday);

        Assert.Equal((900.0, 900.0), (stats.Hours[10], stats.Hours[11]));
        Assert.Equal([10, 11], stats.PeakHours);
    }

    [Fact]
    public void On_the_day_clocks_go_forward_spans_count_from_the_days_start_not_the_wall_clock()
    {
        // 8 March 2026 in New York starts at 00:00 EST; two hours later the clocks read 03:00 EDT.
        var sunday = new DateOnly(2026, 3, 8);

        var stats = LearningPatterns.Of([Day(sunday, (At(2), At(2, 30)))], NewYork, sunday, sunday, DayOfWeek.Monday);

        Assert.Equal(1800, stats.Hours[3]);
        Assert.Equal(0, stats.Hours[2]);
        Assert.Equal(1800, stats.Weekdays[6]);
    }

    [Fact]
    public void Sessions_are_play_separated_by_more_than_thirty_minutes_and_may_cross_midnight()
    {
        var wednesday = Tuesday.AddDays(1);
        var stats = LearningPatterns.Of(
        [
            Day(Tuesday, (At(10), At(10, 20)), (At(10, 50), At(11)), (At(11, 31), At(11, 41)), (At(23, 50), 86_400)),
            Day(wednesday, (0, At(0, 10))),
        ], TimeZoneInfo.Utc, Tuesday, wednesday, DayOfWeek.Monday);

        // 10:00–11:00 (a 30-minute pause joins), 11:31–11:41 (31 minutes apart), 23:50–00:10.
        Assert.Equal(new SessionStats(3, (3600 + 600 + 1200) / 3.0, 1200), stats.Sessions);
    }

    [Fact]
    public void Consistency_is_the_share_of_the_windows_weeks_with_an_active_day()
    {
        var from = new DateOnly(2026, 3, 4);   // Wednesday: weeks of 2, 9 and 16 March
        var to = new DateOnly(2026, 3, 17);
        PlayedDay[] days =
        [
            Day(new DateOnly(2026, 3, 5), (At(9), At(10))),
            new(new DateOnly(2026, 3, 11), Coverage.Of(At(9), At(9) + 30), false), // half a minute: not an active day
            Day(new DateOnly(2026, 3, 17), (At(9), At(10))),
            Day(new DateOnly(2026, 3, 3), (At(9), At(10))),                       // before the window
        ];

        var stats = LearningPatterns.Of(days, TimeZoneInfo.Utc, from, to, DayOfWeek.Monday);

        Assert.Equal(0.667, stats.Consistency);
        Assert.Equal(7230, stats.Hours.Sum());
        Assert.Equal(1, LearningPatterns.Of(days, TimeZoneInfo.Utc, from, to, DayOfWeek.Wednesday).Consistency);
    }

    [Fact]
    public void Nothing_played_gives_zeros_and_no_peaks()
    {
        var stats = LearningPatterns.Of([], Paris, Tuesday.AddDays(-89), Tuesday, DayOfWeek.Monday);

        Assert.Equal(24, stats.Hours.Count);
        Assert.Equal(7, stats.Weekdays.Count);
        Assert.All(stats.Hours.Concat(stats.Weekdays), s => Assert.Equal(0, s));
        Assert.Empty(stats.PeakHours);
        Assert.Empty(stats.PeakDays);
        Assert.Equal(new SessionStats(0, 0, 0), stats.Sessions);
        Assert.Equal(0, stats.Consistency);
    }

    [Fact]
    public void The_same_spans_in_any_order_split_or_repeated_give_the_same_answer()
    {
        var span = from day in Gen.Choose(0, 9)
                   from start in Gen.Choose(0, 86_000_000)
                   from length in Gen.Choose(1, 5_400_000)
                   from active in Gen.Elements(true, false)
                   select new PlayedDay(Tuesday.AddDays(day), Coverage.Of(start / 1000.0, Math.Min(86_400, (start + length) / 1000.0)), active);
        var scenario = from zone in Gen.Elements("UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu")
                       from spans in Gen.NonEmptyListOf(span)
                       from repeated in Gen.SubListOf(spans.ToArray())
                       from shuffled in Gen.Shuffle(spans.Concat(repeated).ToArray())
                       select (Zone: TimeZoneInfo.FindSystemTimeZoneById(zone), Spans: spans, Shuffled: shuffled);

        Prop.ForAll(scenario.ToArbitrary(), s =>
        {
            // One entry per day with its spans united, as the record reads them, against loose spans in any order.
            var united = s.Spans.GroupBy(d => d.Day).Select(g => new PlayedDay(g.Key,
                g.Aggregate(Coverage.Empty, (c, d) => c.Union(d.Played)), g.Any(d => d.Active))).OrderBy(d => d.Day).ToList();
            var expected = LearningPatterns.Of(united, s.Zone, Tuesday, Tuesday.AddDays(9), DayOfWeek.Monday);
            var actual = LearningPatterns.Of(s.Shuffled, s.Zone, Tuesday, Tuesday.AddDays(9), DayOfWeek.Monday);
            return JsonSerializer.Serialize(expected) == JsonSerializer.Serialize(actual)
                && Math.Abs(expected.Hours.Sum() - united.Sum(d => d.Played.Seconds)) < 2.5;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Weekday_indexes_run_from_Monday()
    {
        Assert.Equal(0, LearningPatterns.MondayFirst(DayOfWeek.Monday));
        Assert.Equal(6, LearningPatterns.MondayFirst(DayOfWeek.Sunday));
        Assert.Equal(DayOfWeek.Tuesday, Tuesday.DayOfWeek);
        Assert.Equal(new DateOnly(2026, 3, 9), LearnerAnalytics.WeekOf(Tuesday, DayOfWeek.Monday));
    }
}
