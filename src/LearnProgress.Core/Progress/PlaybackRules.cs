namespace LearnProgress.Core.Progress;

/// <summary>What one ping claims: footage of the lecture played, and the span of the learner's day spent playing it.</summary>
/// <param name="Footage">Seconds of the lecture played, at most one interval.</param>
/// <param name="Played">Seconds since the start of the ping's day during which the learner was playing, at most one interval.</param>
public sealed record PlayClaim(Coverage Footage, Coverage Played);

/// <summary>
/// How much playback a ping may claim. A claim is a function of the ping alone, so the same set of pings gives the
/// same coverage and the same day seconds whatever the order they arrive in, however often they repeat.
/// <list type="bullet">
/// <item>With <c>segmentStartTs</c> (the client time at which playback from <c>segmentStart</c> began) a ping claims
/// the footage <c>[segmentStart, watchTime]</c>, at most <see cref="MaxPlaybackRate"/> times the client time since
/// <c>segmentStartTs</c>; it played during <c>[segmentStartTs, clientTs]</c>, but never longer than the footage at
/// <see cref="MinPlaybackRate"/> would take.</item>
/// <item>Without it a ping claims at most <see cref="UntimedFootageSeconds"/> of footage, played at normal speed just
/// before <c>clientTs</c>.</item>
/// <item>A ping without <c>segmentStart</c> (the simplest player's <c>{courseId, lectureId, watchTime}</c>) is untimed
/// playback from the lecture's start: it claims the same allowance just before <c>watchTime</c>, so a player that
/// pings every few seconds while playing covers the lecture, and a lone jump still claims only the allowance.</item>
/// </list>
/// So seeking to the end, or a forged jump, claims only a few seconds. Time played counts for the ping's day from
/// that day's start; two tabs or devices playing at the same moment count that moment once.
/// </summary>
public static class PlaybackRules
{
    public const double MaxPlaybackRate = 2;
    public const double MinPlaybackRate = 0.5;
    public const double UntimedFootageSeconds = 30;

    public static PlayClaim? Claim(ProgressPing ping)
    {
        var start = ping.SegmentStart ?? 0;
        if (ping.WatchTime <= start) return null;
        var footage = ping.WatchTime - start;
        double allowed, playedSeconds;
        if (ping.SegmentStartTs is { } startedAt && startedAt <= ping.ClientTs)
        {
            var elapsed = (ping.ClientTs - startedAt) / 1000.0;
            allowed = MaxPlaybackRate * elapsed;
            playedSeconds = Math.Min(elapsed, footage / MinPlaybackRate);
        }
        else
        {
            allowed = UntimedFootageSeconds;
            playedSeconds = Math.Min(footage, allowed);
        }
        var from = Millis(Math.Max(start, ping.WatchTime - allowed));
        var to = Millis(ping.WatchTime);
        var playedTo = Millis((ping.ClientTs - ping.DayStart) / 1000.0);
        var playedFrom = Math.Max(0, Millis(playedTo - playedSeconds));
        return new PlayClaim(Coverage.Of(from, to), Coverage.Of(playedFrom, playedTo));
    }

    // Claims are kept to the millisecond, the precision the buffer stores, so every path computes the same numbers.
    private static double Millis(double seconds) => Math.Round(seconds, 3, MidpointRounding.AwayFromZero);
}
