using FsCheck;
using FsCheck.Fluent;
using LearnProgress.Core.Progress;

namespace LearnProgress.Tests.Domain;

public sealed class CoverageTests
{
    [Fact]
    public void Watching_the_same_minute_twice_counts_once()
    {
        var coverage = Coverage.Of(0, 60).Add(0, 60).Add(30, 60);
        Assert.Equal(60, coverage.Seconds);
    }

    [Fact]
    public void Touching_and_overlapping_segments_merge_and_gaps_stay()
    {
        var coverage = Coverage.Of(0, 10).Add(10, 20).Add(15, 25).Add(40, 50);
        Assert.Equal([new(0, 25), new(40, 50)], coverage.Intervals);
        Assert.Equal("0:25,40:50", coverage.Format());
        Assert.Equal(coverage, Coverage.Parse(coverage.Format()));
    }

    [Fact]
    public void The_fraction_is_of_the_duration_and_never_above_one()
    {
        Assert.Equal(0.5, Coverage.Of(0, 300).FractionOf(600));
        Assert.Equal(1, Coverage.Of(0, 700).FractionOf(600));
        Assert.Equal(0, Coverage.Of(0, 10).FractionOf(0));
    }

    [Fact]
    public void Union_is_order_free_and_idempotent()
    {
        var segment = from start in Gen.Choose(0, 100)
                      from length in Gen.Choose(0, 30)
                      select (Start: (double)start, End: (double)(start + length));
        var scenario = from segments in Gen.NonEmptyListOf(segment)
                       from shuffled in Gen.Shuffle(segments.Concat(segments).ToArray())
                       select (Segments: segments, Shuffled: shuffled);

        Prop.ForAll(scenario.ToArbitrary(), s =>
        {
            var ordered = s.Segments.Aggregate(Coverage.Empty, (c, x) => c.Add(x.Start, x.End));
            var shuffled = s.Shuffled.Aggregate(Coverage.Empty, (c, x) => c.Add(x.Start, x.End));
            var covered = Enumerable.Range(0, 131).Count(t => s.Segments.Any(x => t >= x.Start && t + 1 <= x.End));
            return ordered.Equals(shuffled) && ordered.Equals(ordered.Union(shuffled)) && ordered.Seconds >= covered;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Completion_takes_the_threshold_of_the_duration_or_an_explicit_mark()
    {
        var rule = new CompletionRule(0.9);
        var watched = new LectureProgress(600, 1, 600, Coverage.Of(0, 540));
        Assert.True(rule.IsComplete(watched, 600));
        Assert.False(rule.IsComplete(watched with { Coverage = Coverage.Of(0, 539) }, 600));
        Assert.True(rule.IsComplete(new LectureProgress(0, 1, 0) with { Completed = true }, 600));
    }

    [Theory]
    [InlineData(1, 3, 33.3)]
    [InlineData(2, 3, 66.7)]
    [InlineData(3, 3, 100)]
    [InlineData(0, 0, 0)]
    [InlineData(5, 4, 100)]
    public void Course_percentage_is_rounded_to_one_decimal(int completed, int total, double expected) =>
        Assert.Equal(expected, LearnProgress.Core.Progress.CourseProgressView.Percentage(completed, total));
}
