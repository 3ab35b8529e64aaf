using System.Globalization;
using LearnProgress.Core;
using LearnProgress.Core.Progress;
using StackExchange.Redis;

namespace LearnProgress.Redis;

/// <summary>The write-behind buffer on any server that speaks the Redis protocol (Redis, Valkey, Garnet).</summary>
public sealed class RedisProgressBuffer(IConnectionMultiplexer redis, RedisKeys keys, TimeSpan flushedKeyTtl) : IProgressBuffer
{
    private IDatabase Db => redis.GetDatabase();

    public int BucketCount => keys.Buckets;

    public async Task RecordAsync(string userId, IReadOnlyList<ProgressPing> pings, CancellationToken cancellationToken = default)
    {
        if (pings.Count == 0) return;
        var bucket = keys.BucketOf(userId);
        var scriptKeys = new List<RedisKey> { keys.Dirty(bucket), keys.Since(bucket) };
        var courseKeyIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var args = new RedisValue[pings.Count * 5];
        for (var i = 0; i < pings.Count; i++)
        {
            var ping = pings[i];
            var member = RedisKeys.Member(userId, ping.CourseId);
            if (!courseKeyIndex.TryGetValue(ping.CourseId, out var keyIndex))
            {
                scriptKeys.Add(keys.Progress(bucket, member));
                keyIndex = courseKeyIndex[ping.CourseId] = scriptKeys.Count; // Lua arrays start at 1
            }
            args[i * 5] = keyIndex;
            args[i * 5 + 1] = member;
            args[i * 5 + 2] = ping.LectureId;
            args[i * 5 + 3] = Format(ping.WatchTime);
            args[i * 5 + 4] = ping.ClientTs;
        }
        await Db.ScriptEvaluateAsync(LuaScripts.Record, [.. scriptKeys], args);
    }

    public async Task<IReadOnlyDictionary<string, LectureProgress>> ReadAsync(string userId, string courseId, CancellationToken cancellationToken = default) =>
        Parse(await Db.HashGetAllAsync(keys.Progress(userId, courseId)));

    public async Task<int> FlushBucketAsync(int bucket, Func<IReadOnlyList<CourseProgressSnapshot>, CancellationToken, Task> write,
        CancellationToken cancellationToken = default)
    {
        var flushed = 0;
        var db = Db;
        var dirty = keys.Dirty(bucket);
        var claimed = keys.Claimed(bucket);
        RedisKey[] claimKeys = [dirty, claimed, keys.Since(bucket), keys.ClaimedSince(bucket)];
        // A claim left by a crashed flush is replayed first, then the loop goes on to the fresh dirty set.
        for (var replay = true; replay;)
        {
            var claim = (RedisValue[])(await db.ScriptEvaluateAsync(LuaScripts.Claim, claimKeys))!;
            replay = (int)claim[0] == 1;
            var members = claim[1..];
            if (members.Length == 0) break;

            var progressKeys = members.Select(m => keys.Progress(bucket, m!)).ToArray();
            var hashes = await Task.WhenAll(progressKeys.Select(k => db.HashGetAllAsync(k)));
            var batch = new List<CourseProgressSnapshot>(members.Length);
            for (var i = 0; i < members.Length; i++)
            {
                // An empty hash is a key that expired after an earlier acknowledged flush: nothing to write.
                if (hashes[i].Length == 0) continue;
                var (userId, courseId) = RedisKeys.ParseMember(members[i]!);
                batch.Add(new CourseProgressSnapshot(userId, courseId, Parse(hashes[i])));
            }
            if (batch.Count > 0) await write(batch, cancellationToken);

            var ackArgs = new RedisValue[members.Length + 1];
            ackArgs[0] = (long)flushedKeyTtl.TotalMilliseconds;
            members.CopyTo(ackArgs, 1);
            await db.ScriptEvaluateAsync(LuaScripts.Ack, [dirty, claimed, .. progressKeys], ackArgs);
            flushed += batch.Count;
        }
        return flushed;
    }

    public async Task<long> CountPendingAsync(CancellationToken cancellationToken = default)
    {
        var db = Db;
        var counts = await Task.WhenAll(Enumerable.Range(0, keys.Buckets)
            .SelectMany(b => new[] { db.SetLengthAsync(keys.Dirty(b)), db.SetLengthAsync(keys.Claimed(b)) }));
        return counts.Sum();
    }

    public async Task<DateTimeOffset?> OldestPendingChangeAsync(CancellationToken cancellationToken = default)
    {
        var db = Db;
        // A claimed-since key outlives its claim until the bucket's next flush, so it counts only while the claim exists.
        var buckets = Enumerable.Range(0, keys.Buckets).Select(b => (
            Since: db.StringGetAsync(keys.Since(b)),
            ClaimedSince: db.StringGetAsync(keys.ClaimedSince(b)),
            Claimed: db.KeyExistsAsync(keys.Claimed(b)))).ToList();
        long? oldest = null;
        foreach (var (since, claimedSince, claimed) in buckets)
        {
            if ((long?)await since is { } s) oldest = Math.Min(oldest ?? s, s);
            if (await claimed && (long?)await claimedSince is { } c) oldest = Math.Min(oldest ?? c, c);
        }
        return oldest is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    public Task CheckAsync(CancellationToken cancellationToken = default) => Db.PingAsync();

    private static Dictionary<string, LectureProgress> Parse(HashEntry[] entries)
    {
        var result = new Dictionary<string, LectureProgress>(entries.Length, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var parts = ((string)entry.Value!).Split('|');
            result[entry.Name!] = new LectureProgress(
                double.Parse(parts[0], CultureInfo.InvariantCulture),
                long.Parse(parts[1], CultureInfo.InvariantCulture),
                double.Parse(parts[2], CultureInfo.InvariantCulture));
        }
        return result;
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
