using LearnProgress.Core.Analytics;
using LearnProgress.Core.Catalog;
using LearnProgress.Core.Progress;

namespace LearnProgress.Tests.Domain;

public sealed class CourseAnalyticsTests
{
    private static readonly Course Course = new("c", "C", 2, [new Lecture("l1", "One", 100), new Lecture("l2", "Two", 200)]);
    private static readonly DateTimeOffset At = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static LearnerLecture Row(string user, string lecture, bool completed, params (double Start, double End)[] intervals) =>
        new(user, lecture, intervals.Aggregate(Coverage.Empty, (c, i) => c.Add(i.Start, i.End)), completed);

    [Fact]
    public void The_curve_counts_each_starter_whose_coverage_holds_the_middle_of_each_percent()
    {
        var rows = new[]
        {
            Row("a", "l1", false, (0, 50)),
            Row("b", "l1", true, (0, 100)),
            Row("c", "l1", false, (25, 40), (40, 75)),
            Row("e", "l1", false), // a row without footage or completion has not started
        };

        var lecture = CourseAnalyticsRules.Compute(Course, rows, At).Lectures[0];

        Assert.Equal((3, 1, 0.6667), (lecture.Started, lecture.Completed, lecture.MeanCoverage));
        Assert.Equal(100, lecture.Retention.Count);
        Assert.All(lecture.Retention.Take(25), p => Assert.Equal(0.6667, p));
        Assert.All(lecture.Retention.Skip(25).Take(25), p => Assert.Equal(1.0, p));
        Assert.All(lecture.Retention.Skip(50).Take(25), p => Assert.Equal(0.6667, p));
        Assert.All(lecture.Retention.Skip(75), p => Assert.Equal(0.3333, p));
    }

    [Fact]
    public void The_curve_of_a_partial_percent_counts_only_past_its_middle()
    {
        // 0..0.4 % of 200 s is 0.8 s: short of the first point's middle (1 s); 0..1.2 s covers it.
        var short_ = CourseAnalyticsRules.Compute(Course, [Row("a", "l2", false, (0, 0.8))], At).Lectures[1];
        var enough = CourseAnalyticsRules.Compute(Course, [Row("a", "l2", false, (0, 1.2))], At).Lectures[1];

        Assert.Equal((1, 0.0), (short_.Started, short_.Retention[0]));
        Assert.Equal((1.0, 0.0), (enough.Retention[0], enough.Retention[1]));
    }

    [Fact]
    public void The_funnel_counts_learners_by_the_share_of_lectures_completed()
    {
        var rows = new[]
        {
            Row("a", "l1", false, (0, 50)),
            Row("b", "l1", true, (0, 100)), Row("b", "l2", true, (0, 200)),
            Row("c", "l1", true, (0, 95)),
            Row("d", "l2", true),          // completed explicitly, without footage
        };

        var analytics = CourseAnalyticsRules.Compute(Course, rows, At);

        Assert.Equal(new CourseFunnel(4, 3, 3, 1, 1), analytics.Funnel);
        Assert.Equal((2, 2, 0.5), (analytics.Lectures[1].Started, analytics.Lectures[1].Completed, analytics.Lectures[1].Retention[0]));
        Assert.Equal(At, analytics.ComputedAt);
    }

    [Fact]
    public void A_lecture_nobody_started_has_a_flat_zero_curve()
    {
        var lecture = CourseAnalyticsRules.Compute(Course, [], At).Lectures[0];

        Assert.Equal((0, 0, 0.0), (lecture.Started, lecture.Completed, lecture.MeanCoverage));
        Assert.All(lecture.Retention, p => Assert.Equal(0, p));
    }
}
