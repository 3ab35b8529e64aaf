using System.Globalization;
using LearnProgress.Core.Learning;

namespace LearnProgress.Tests.Domain;

public sealed class LearnerDaysTests
{
    private static TimeZoneInfo Zone(string id) => LearnerClock.TryFindZone(id, out var zone) ? zone : throw new ArgumentException(id);

    private static long Utc(int year, int month, int day, int hour, int minute = 0) =>
        new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Fact]
    public void At_utc_plus_14_the_evening_utc_is_already_tomorrow()
    {
        var ts = Utc(2026, 3, 10, 11);   // 01:00 on the 11th in Kiritimati
        Assert.Equal(new DateOnly(2026, 3, 11), LearnerClock.DayOf(ts, Zone("Pacific/Kiritimati")));
        Assert.Equal(new DateOnly(2026, 3, 10), LearnerClock.DayOf(ts, TimeZoneInfo.Utc));
    }

    [Fact]
    public void At_utc_minus_12_the_morning_utc_is_still_yesterday()
    {
        var ts = Utc(2026, 3, 10, 9);    // 21:00 on the 9th at UTC-12
        Assert.Equal(new DateOnly(2026, 3, 9), LearnerClock.DayOf(ts, Zone("Etc/GMT+12")));
    }

    [Fact]
    public void A_dst_change_day_is_one_day_with_its_own_offset_on_each_side()
    {
        var newYork = Zone("America/New_York");  // clocks jump 02:00 -> 03:00 on 2026-03-08
        Assert.Equal(new DateOnly(2026, 3, 7), LearnerClock.DayOf(Utc(2026, 3, 8, 4, 59), newYork));  // 23:59 EST
        Assert.Equal(new DateOnly(2026, 3, 8), LearnerClock.DayOf(Utc(2026, 3, 8, 5, 0), newYork));   // 00:00 EST
        Assert.Equal(new DateOnly(2026, 3, 8), LearnerClock.DayOf(Utc(2026, 3, 9, 3, 59), newYork));  // 23:59 EDT
        Assert.Equal(new DateOnly(2026, 3, 9), LearnerClock.DayOf(Utc(2026, 3, 9, 4, 0), newYork));   // 00:00 EDT
    }

    [Theory]
    [InlineData("Europe/Paris", true)]
    [InlineData("UTC", true)]
    [InlineData("Mars/Olympus", false)]
    [InlineData("", false)]
    [InlineData("../../etc/passwd", false)]
    public void Only_iana_zones_are_taken(string id, bool valid) => Assert.Equal(valid, LearnerClock.TryFindZone(id, out _));

    private static DayRun Run(string start, string end) => new(DateOnly.Parse(start, CultureInfo.InvariantCulture), DateOnly.Parse(end, CultureInfo.InvariantCulture));

    [Fact]
    public void A_late_day_joins_the_two_runs_around_it()
    {
        var (joined, replaced) = Streaks.Join(DateOnly.Parse("2026-05-05", CultureInfo.InvariantCulture), Run("2026-05-01", "2026-05-04"), Run("2026-05-06", "2026-05-09"));
        Assert.Equal(Run("2026-05-01", "2026-05-09"), joined);
        Assert.Equal(9, joined.Length);
        Assert.Equal(2, replaced.Count);
    }

    [Fact]
    public void A_day_next_to_nothing_starts_a_run()
    {
        var (joined, replaced) = Streaks.Join(DateOnly.Parse("2026-05-05", CultureInfo.InvariantCulture), null, null);
        Assert.Equal(Run("2026-05-05", "2026-05-05"), joined);
        Assert.Empty(replaced);
    }

    [Fact]
    public void A_streak_runs_across_a_month_end()
    {
        var (joined, _) = Streaks.Join(DateOnly.Parse("2026-02-01", CultureInfo.InvariantCulture), Run("2026-01-30", "2026-01-31"), null);
        Assert.Equal(3, joined.Length);
        var (current, longest, last) = Streaks.Compute([joined], [], 3, DateOnly.Parse("2026-02-01", CultureInfo.InvariantCulture));
        Assert.Equal((3, 3, DateOnly.Parse("2026-02-01", CultureInfo.InvariantCulture)), (current, longest, last));
    }

    [Fact]
    public void The_current_streak_may_end_yesterday_but_not_earlier()
    {
        var runs = new[] { Run("2026-05-01", "2026-05-04") };
        Assert.Equal(4, Streaks.Compute(runs, [], 4, DateOnly.Parse("2026-05-04", CultureInfo.InvariantCulture)).Current);
        Assert.Equal(4, Streaks.Compute(runs, [], 4, DateOnly.Parse("2026-05-05", CultureInfo.InvariantCulture)).Current);
        Assert.Equal(0, Streaks.Compute(runs, [], 4, DateOnly.Parse("2026-05-06", CultureInfo.InvariantCulture)).Current);
        Assert.Equal(4, Streaks.Compute(runs, [], 4, DateOnly.Parse("2026-05-06", CultureInfo.InvariantCulture)).Longest);
    }

    [Fact]
    public void Buffered_active_days_extend_and_join_stored_runs_on_read()
    {
        var runs = new[] { Run("2026-05-01", "2026-05-03"), Run("2026-05-05", "2026-05-06") };

        var (current, longest, last) = Streaks.Compute(runs, [DateOnly.Parse("2026-05-04", CultureInfo.InvariantCulture), DateOnly.Parse("2026-05-07", CultureInfo.InvariantCulture)], 3, DateOnly.Parse("2026-05-07", CultureInfo.InvariantCulture));

        Assert.Equal((7, 7, DateOnly.Parse("2026-05-07", CultureInfo.InvariantCulture)), (current, longest, last));
    }

    [Fact]
    public void The_longest_streak_never_decreases()
    {
        var (_, longest, _) = Streaks.Compute([Run("2026-05-06", "2026-05-06")], [], 12, DateOnly.Parse("2026-05-06", CultureInfo.InvariantCulture));
        Assert.Equal(12, longest);
    }

    [Theory]
    [InlineData(59.9, 0, false)]
    [InlineData(60, 0, true)]
    [InlineData(0, 1, true)]
    public void A_day_is_active_with_a_minute_or_a_count(double seconds, int count, bool active) =>
        Assert.Equal(active, new DayActivity(DateOnly.MinValue, seconds, count, 0).IsActive);
}
