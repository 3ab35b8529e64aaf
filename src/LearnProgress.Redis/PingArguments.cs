using System.Globalization;
using LearnProgress.Core.Progress;
using StackExchange.Redis;

namespace LearnProgress.Redis;

/// <summary>
/// The keys and arguments of one call of record.lua, built in one place: the script computes nothing, so every claim
/// and limit comes from <see cref="PlaybackRules"/> here.
/// </summary>
internal static class PingArguments
{
    public const int PerPing = 11;
    private const int Leading = 2;
    public const string DayFormat = "yyyy-MM-dd";

    public static (RedisKey[] Keys, RedisValue[] Args) Build(RedisKeys keys, string userId, IReadOnlyList<ProgressPing> pings, TimeSpan activityTtl)
    {
        var bucket = keys.BucketOf(userId);
        var scriptKeys = new List<RedisKey>(5) { keys.Dirty(bucket), keys.Since(bucket), keys.Activity(userId), keys.Courses(userId) };
        var courseKeyIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var args = new RedisValue[Leading + pings.Count * PerPing];
        args[0] = RedisKeys.ActivityMember(userId);
        args[1] = (long)activityTtl.TotalMilliseconds;
        for (var i = 0; i < pings.Count; i++)
        {
            var ping = pings[i];
            var member = RedisKeys.ProgressMember(userId, ping.CourseId);
            if (!courseKeyIndex.TryGetValue(ping.CourseId, out var keyIndex))
            {
                scriptKeys.Add(keys.Of(bucket, member));
                keyIndex = courseKeyIndex[ping.CourseId] = scriptKeys.Count; // Lua arrays start at 1
            }
            var claim = PlaybackRules.Claim(ping);
            var at = Leading + i * PerPing;
            args[at] = keyIndex;
            args[at + 1] = member;
            args[at + 2] = ping.CourseId;
            args[at + 3] = ping.LectureId;
            args[at + 4] = ping.WatchTime.ToString("R", CultureInfo.InvariantCulture);
            args[at + 5] = ping.ClientTs;
            (args[at + 6], args[at + 7]) = Span(claim?.Footage);
            args[at + 8] = ping.Day.ToString(DayFormat, CultureInfo.InvariantCulture);
            (args[at + 9], args[at + 10]) = Span(claim?.Played);
        }
        return ([.. scriptKeys], args);
    }

    private static (RedisValue From, RedisValue To) Span(Coverage? claim) =>
        claim is { Intervals: [var only] } ? (Seconds(only.Start), Seconds(only.End)) : ("", "");

    private static string Seconds(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
