using System.Globalization;
using LearnProgress.Core.Progress;
using StackExchange.Redis;

namespace LearnProgress.Redis;

/// <summary>
/// The keys and arguments of one call of record.lua for the pings of one or more learners, built in one place: the
/// script computes nothing, so every claim and limit comes from <see cref="PlaybackRules"/> here.
/// </summary>
internal static class PingArguments
{
    public const int PerPing = 11;
    public const string DayFormat = "yyyy-MM-dd";

    public static (RedisKey[] Keys, RedisValue[] Args) Build(RedisKeys keys, IReadOnlyList<(string UserId, IReadOnlyList<ProgressPing> Pings)> learners,
        TimeSpan activityTtl)
    {
        var scriptKeys = new List<RedisKey>();
        var args = new List<RedisValue>(1 + learners.Sum(l => 3 + l.Pings.Count * PerPing)) { (long)activityTtl.TotalMilliseconds };
        foreach (var (userId, pings) in learners)
        {
            var bucket = keys.BucketOf(userId);
            args.Add(scriptKeys.Count + 1);   // Lua arrays start at 1
            args.Add(RedisKeys.ActivityMember(userId));
            args.Add(pings.Count);
            scriptKeys.AddRange([keys.Dirty(bucket), keys.Since(bucket), keys.Activity(userId)]);
            var courseKeyIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var ping in pings)
            {
                var member = RedisKeys.ProgressMember(userId, ping.CourseId);
                if (!courseKeyIndex.TryGetValue(ping.CourseId, out var keyIndex))
                {
                    scriptKeys.Add(keys.Of(bucket, member));
                    keyIndex = courseKeyIndex[ping.CourseId] = scriptKeys.Count;
                }
                var claim = PlaybackRules.Claim(ping);
                var (footageFrom, footageTo) = Span(claim?.Footage);
                var (playedFrom, playedTo) = Span(claim?.Played);
                args.AddRange([keyIndex, member, ping.CourseId, ping.LectureId, ping.WatchTime.ToString("R", CultureInfo.InvariantCulture), Base36(ping.ClientTs),
                    footageFrom, footageTo, ping.Day.ToString(DayFormat, CultureInfo.InvariantCulture), playedFrom, playedTo]);
            }
        }
        return ([.. scriptKeys], [.. args]);
    }

    /// <summary>
    /// A time in ms in base 36 (digits, then lower-case letters; '-' before a negative one), as record.lua stores a
    /// lecture's updatedAt: eight characters for today's times where decimal takes thirteen.
    /// </summary>
    public static string Base36(long value)
    {
        if (value == 0) return "0";
        Span<char> text = stackalloc char[14];
        var at = text.Length;
        var rest = value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        for (; rest > 0; rest /= 36) text[--at] = Digits[(int)(rest % 36)];
        if (value < 0) text[--at] = '-';
        return new string(text[at..]);
    }

    /// <summary>A base-36 time (<see cref="Base36"/>) back in ms.</summary>
    public static long FromBase36(ReadOnlySpan<char> text)
    {
        var negative = text.Length > 0 && text[0] == '-';
        ulong value = 0;
        foreach (var c in negative ? text[1..] : text)
        {
            var digit = Digits.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0) throw new FormatException($"'{text}' is not a base-36 time.");
            value = checked(value * 36 + (ulong)digit);
        }
        return negative ? unchecked((long)(0UL - value)) : checked((long)value);
    }

    private const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";

    private static (RedisValue From, RedisValue To) Span(Coverage? claim) =>
        claim is { Intervals: [var only] } ? (Seconds(only.Start), Seconds(only.End)) : ("", "");

    private static string Seconds(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
