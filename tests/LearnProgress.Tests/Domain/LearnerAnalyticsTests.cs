using LearnProgress.Core.Analytics;
using LearnProgress.Core.Learning;

namespace LearnProgress.Tests.Domain;

public sealed class LearnerAnalyticsTests
{
    private static DayActivity Day(int day, double seconds, int marks = 0, int completions = 0) =>
        new(new DateOnly(2026, 3, day), seconds, marks, completions);

    [Fact]
    public void Levels_are_quartiles_of_non_zero_days_with_an_outlier_trimmed()
    {
        var days = new[] { Day(1, 0), Day(2, 60), Day(3, 120), Day(4, 180), Day(5, 240), Day(6, 3000), Day(7, 0, marks: 1) };

        // Without the trim the 3000 s day would put 60..240 in levels 1 and 2 only.
        Assert.Equal([0, 1, 2, 3, 4, 4, 1], LearnerAnalytics.Levels(days));
    }

    [Fact]
    public void Levels_without_any_playing_are_zero_or_one_for_a_mark()
    {
        Assert.Equal([0, 1, 0], LearnerAnalytics.Levels([Day(1, 0), Day(2, 0, completions: 1), Day(3, 0)]));
        Assert.Equal([1], LearnerAnalytics.Levels([Day(1, 30)])); // a single day is its own quartiles
    }

    [Theory]
    [InlineData(DayOfWeek.Monday, "2026-03-09")]
    [InlineData(DayOfWeek.Sunday, "2026-03-08")]
    [InlineData(DayOfWeek.Saturday, "2026-03-07")]
    public void A_week_starts_on_the_chosen_day(DayOfWeek start, string expected)
    {
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), LearnerAnalytics.WeekOf(new DateOnly(2026, 3, 12), start));
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), LearnerAnalytics.WeekOf(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), start));
    }

    [Fact]
    public void Weeks_sum_seconds_count_active_days_and_completions_and_compare_with_the_week_before()
    {
        var today = new DateOnly(2026, 3, 11); // a Wednesday
        var days = new[]
        {
            Day(1, 500), // Sunday: the week before the first one answered
            Day(2, 100), Day(3, 30, completions: 2), Day(8, 200),
            Day(9, 50), Day(10, 0, marks: 1), Day(11, 600),
        };

        var weeks = LearnerAnalytics.Weekly(days, today, 2, DayOfWeek.Monday);

        Assert.Equal(
            [new WeekStats(new DateOnly(2026, 3, 2), 330, 3, 2, new WeekChange(-170, 2, 2)),
             new WeekStats(new DateOnly(2026, 3, 9), 650, 2, 0, new WeekChange(320, -1, -2))],
            weeks);
    }

    [Fact]
    public void Pace_is_seconds_per_active_day_and_the_estimate_spreads_them_over_the_window()
    {
        var today = new DateOnly(2026, 3, 28);
        var days = new[] { Day(1, 300), Day(10, 300), Day(11, 30) };

        var pace = LearnerAnalytics.Pace(days, today);

        Assert.Equal(315, pace.PerActiveDay); // 630 s over 2 active days; 30 s is not an active day
        Assert.Equal(today.AddDays(27), pace.Finish(600, today)); // 630 s in 28 days: 600 s take 26.7 days
        Assert.Null(pace.Finish(0, today));
        Assert.Null(LearnerAnalytics.Pace([Day(1, 300)], new DateOnly(2026, 4, 30)).Finish(600, new DateOnly(2026, 4, 30)));
    }
}
