using LearnProgress.Redis;

namespace LearnProgress.Tests.Buffer;

public sealed class Base36Tests
{
    [Theory]
    [InlineData(0L, "0")]
    [InlineData(35L, "z")]
    [InlineData(1_000L, "rs")]
    [InlineData(1_796_569_400_578L, "mxbz19fm")]
    [InlineData(-1_000L, "-rs")]
    [InlineData(long.MaxValue, "1y2p0ij32e8e7")]
    [InlineData(long.MinValue, "-1y2p0ij32e8e8")]
    public void A_time_goes_to_base_36_and_back(long ms, string text)
    {
        Assert.Equal(text, PingArguments.Base36(ms));
        Assert.Equal(ms, PingArguments.FromBase36(text));
    }

    [Fact]
    public void A_time_with_a_character_outside_base_36_is_refused()
    {
        Assert.Throws<FormatException>(() => PingArguments.FromBase36("mx|z"));
    }
}
