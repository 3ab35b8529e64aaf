using LearnProgress.Core.Progress;

namespace LearnProgress.Tests.Domain;

public sealed class PlaybackRulesTests
{
    private static ProgressPing Ping(double from, double to, long ts, long? startedAt, long dayStart = 0) =>
        new("c", "l", to, ts, from, "s", default, startedAt, dayStart);

    [Fact]
    public void A_timed_piece_claims_its_footage_and_its_playing_time()
    {
        var claim = PlaybackRules.Claim(Ping(40, 45, 105_000, 100_000))!;
        Assert.Equal(("40:45", "100:105"), (claim.Footage.Format(), claim.Played.Format()));
    }

    [Fact]
    public void Footage_is_capped_at_twice_the_time_since_the_segment_began()
    {
        var claim = PlaybackRules.Claim(Ping(0, 600, 110_000, 100_000))!;
        Assert.Equal(("580:600", "100:110"), (claim.Footage.Format(), claim.Played.Format()));
    }

    [Fact]
    public void Playing_time_is_capped_at_the_footage_played_at_half_speed()
    {
        var claim = PlaybackRules.Claim(Ping(0, 5, 3_700_000, 100_000))!;   // an hour since the segment began, 5 s of footage
        Assert.Equal(("0:5", "3690:3700"), (claim.Footage.Format(), claim.Played.Format()));
    }

    [Fact]
    public void An_untimed_ping_claims_at_most_30_seconds_at_normal_speed()
    {
        var claim = PlaybackRules.Claim(Ping(0, 600, 100_000, null))!;
        Assert.Equal(("570:600", "70:100"), (claim.Footage.Format(), claim.Played.Format()));
    }

    [Fact]
    public void Playing_time_counts_from_the_start_of_the_pings_day_only()
    {
        var midnight = 86_400_000L;
        var claim = PlaybackRules.Claim(Ping(0, 10, midnight + 4_000, midnight - 6_000, dayStart: midnight))!;
        Assert.Equal(("0:10", "0:4"), (claim.Footage.Format(), claim.Played.Format()));
    }

    [Fact]
    public void A_ping_of_the_simplest_shape_claims_the_untimed_allowance_from_the_lectures_start()
    {
        var early = PlaybackRules.Claim(new ProgressPing("c", "l", 5, 100_000))!;
        var late = PlaybackRules.Claim(new ProgressPing("c", "l", 600, 100_000))!;
        Assert.Equal(("0:5", "95:100"), (early.Footage.Format(), early.Played.Format()));
        Assert.Equal(("570:600", "70:100"), (late.Footage.Format(), late.Played.Format()));
    }

    [Theory]
    [InlineData(null, 0.0)]
    [InlineData(10.0, 10.0)]
    [InlineData(20.0, 10.0)]
    public void A_ping_without_played_footage_claims_nothing(double? from, double to) =>
        Assert.Null(PlaybackRules.Claim(new ProgressPing("c", "l", to, 5_000, from, null, default, 1_000)));

    [Fact]
    public void Claims_are_kept_to_the_millisecond() =>
        Assert.Equal("1.235:7.125", PlaybackRules.Claim(Ping(1.23456, 7.1249999, 10_000, 5_000))!.Footage.Format());
}
