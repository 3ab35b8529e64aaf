using System.Globalization;
using LearnProgress.Core;
using LearnProgress.Core.Progress;
using StackExchange.Redis;

namespace LearnProgress.Redis;

/// <summary>
/// How many replicas must hold a write before the buffer acknowledges it. A Redis primary acknowledges a write once it
/// has it, and replicates afterwards: a primary that dies before its replica received the write loses it when the
/// replica takes over. <c>WAIT</c> closes that window: it returns once the given number of replicas acknowledged every
/// write sent before it on the same connection, or when the timeout passes (https://redis.io/docs/latest/commands/wait/).
/// </summary>
/// <param name="Replicas">0 acknowledges on the primary's word alone.</param>
public sealed record ReplicaAcks(int Replicas, TimeSpan Timeout)
{
    public static readonly ReplicaAcks None = new(0, TimeSpan.Zero);
}

/// <summary>The write-behind buffer on any server that speaks the Redis protocol (Redis, Valkey, Garnet).</summary>
/// <param name="commitAof">
/// Garnet with its append-only file: after each call that records pings or erases a learner, <c>COMMITAOF</c> commits
/// the file and answers once the commit is done, so the call's writes survive a killed process before they are
/// acknowledged. Garnet's own per-write commit wait (<c>--aof-commit-wait</c>) waits once for every write a script
/// makes; one commit per call serves a whole group of pings instead.
/// </param>
/// <param name="syncToDisk">
/// Run after each <c>COMMITAOF</c>: makes the commit reach stable storage (<see cref="EmbeddedGarnet.CommitToDisk"/>), so
/// an acknowledged ping survives a power loss too. One sync serves a whole grouped call.
/// </param>
public sealed class RedisProgressBuffer(IConnectionMultiplexer redis, RedisKeys keys, TimeSpan flushedKeyTtl, TimeProvider? time = null,
    ReplicaAcks? replicaAcks = null, bool commitAof = false, Action? syncToDisk = null) : IProgressBuffer
{
    /// <summary>
    /// Day spans and the list of buffered courses must outlive the 30-day window of accepted client times, so a late
    /// ping always finds its day here instead of starting it again from nothing.
    /// </summary>
    public static readonly TimeSpan ActivityTtl = TimeSpan.FromDays(32);

    /// <summary>How long a flusher may hold a bucket before another one may take its claim over.</summary>
    public static readonly TimeSpan FlushLease = TimeSpan.FromMinutes(2);

    /// <summary>How long an erase waits before asking again for a bucket a flush holds.</summary>
    private static readonly TimeSpan EraseRetryDelay = TimeSpan.FromMilliseconds(25);

    /// <summary>A held learner is tried again after this, then after twice as long each time, up to <see cref="LongestHoldDelay"/>.</summary>
    public static readonly TimeSpan FirstHoldDelay = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan LongestHoldDelay = TimeSpan.FromHours(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ReplicaAcks _replicaAcks = replicaAcks ?? ReplicaAcks.None;

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private IDatabase Db => redis.GetDatabase();

    public int BucketCount => keys.Buckets;

    /// <summary>The most learners one script call carries.</summary>
    public const int MaxLearnersPerCall = 128;

    private GroupCommit<(string UserId, IReadOnlyList<ProgressPing> Pings)>? _groups;
    private bool? _cluster;

    private GroupCommit<(string UserId, IReadOnlyList<ProgressPing> Pings)> Groups => LazyInitializer.EnsureInitialized(ref _groups,
        () => new(RecordGroupAsync, error => error is RedisServerException server && !IsUnavailable(server), MaxLearnersPerCall));

    /// <summary>
    /// Goes in the next call of the learner's lane: the whole server on a single Redis or Garnet, the learner's hash slot
    /// on a cluster (a script may touch one slot only there; one lane per slot keeps each call legal, at the cost of
    /// smaller groups than one lane per node would give).
    /// </summary>
    public Task RecordAsync(string userId, IReadOnlyList<ProgressPing> pings, CancellationToken cancellationToken = default) =>
        pings.Count == 0 ? Task.CompletedTask : Groups.SendAsync(LaneOf(userId), (userId, pings));

    private int LaneOf(string userId)
    {
        _cluster ??= redis.GetServers() is { Length: > 0 } servers && servers.Any(s => s.IsConnected)
            ? servers.Any(s => s.ServerType == ServerType.Cluster)
            : null;
        return _cluster == true ? redis.HashSlot(keys.Dirty(keys.BucketOf(userId))) : 0;
    }

    private async Task RecordGroupAsync(IReadOnlyList<(string UserId, IReadOnlyList<ProgressPing> Pings)> learners)
    {
        var (scriptKeys, args) = PingArguments.Build(keys, learners, ActivityTtl);
        await Db.ScriptEvaluateAsync(LuaScripts.Record, scriptKeys, args);
        await CommitAofAsync();
        await ConfirmReplicatedAsync(scriptKeys[0]);
    }

    /// <summary>
    /// Errors that mean the server cannot take a write now (loading, out of memory under noeviction, a cluster that is
    /// resharding or lost a master, a replica), as opposed to an error of the data sent.
    /// </summary>
    public static bool IsUnavailable(RedisServerException error) =>
        error.Message.StartsWith("LOADING", StringComparison.Ordinal) || error.Message.StartsWith("OOM", StringComparison.Ordinal) ||
        error.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal) || error.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal) ||
        error.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal) || error.Message.StartsWith("READONLY", StringComparison.Ordinal);

    private async Task CommitAofAsync()
    {
        if (!commitAof) return;
        await Db.ExecuteAsync("COMMITAOF");
        try
        {
            syncToDisk?.Invoke();
        }
        catch (IOException ex)
        {
            throw new BufferUnavailableException($"The buffer's append-only file could not be synced to disk: {ex.Message}");
        }
    }

    /// <summary>
    /// Waits until the configured number of replicas of the primary serving <paramref name="key"/> hold every write
    /// sent to it so far, the caller's included (its script already answered on that primary's one connection).
    /// Throws <see cref="BufferUnavailableException"/> when they do not within the timeout: the write stays on the
    /// primary, but is not acknowledged, since a failover could still lose it.
    /// </summary>
    private async Task ConfirmReplicatedAsync(RedisKey key)
    {
        if (_replicaAcks.Replicas <= 0) return;
        var primary = redis.GetServer(key);
        var acknowledged = (long)await primary.ExecuteAsync("WAIT", _replicaAcks.Replicas, (long)_replicaAcks.Timeout.TotalMilliseconds);
        if (acknowledged < _replicaAcks.Replicas)
            throw new BufferUnavailableException(
                $"{acknowledged} of {_replicaAcks.Replicas} replicas of {primary.EndPoint} confirmed the write within {_replicaAcks.Timeout.TotalMilliseconds:0} ms");
    }

    public async Task<IReadOnlyDictionary<string, LectureProgress>> ReadAsync(string userId, string courseId, CancellationToken cancellationToken = default) =>
        ParseProgress(await Db.HashGetAllAsync(keys.Progress(userId, courseId)));

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, LectureProgress>>> ReadCoursesAsync(
        string userId, CancellationToken cancellationToken = default)
    {
        var db = Db;
        var courses = await CoursesAsync(db, userId);
        var hashes = await Task.WhenAll(courses.Select(c => db.HashGetAllAsync(keys.Progress(userId, c))));
        var result = new Dictionary<string, IReadOnlyDictionary<string, LectureProgress>>(StringComparer.Ordinal);
        for (var i = 0; i < courses.Count; i++)
            // A flushed key that expired leaves its course in the list: the store holds all of it.
            if (hashes[i].Length > 0) result[courses[i]] = ParseProgress(hashes[i]);
        return result;
    }

    /// <summary>
    /// The courses the learner's day spans list, and those of a course set an older version left (read until it expires,
    /// so an upgrade with unflushed keys loses none of them).
    /// </summary>
    private async Task<List<string>> CoursesAsync(IDatabase db, string userId)
    {
        var listed = db.HashKeysAsync(keys.Activity(userId));
        var legacy = db.SetMembersAsync(keys.LegacyCourses(userId));
        return RedisKeys.CoursesOf(await listed).Concat((await legacy).Select(c => (string)c!)).Distinct(StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyDictionary<DateOnly, Coverage>> ReadActivityAsync(string userId, CancellationToken cancellationToken = default) =>
        ParseActivity(await Db.HashGetAllAsync(keys.Activity(userId)));

    public async Task<BucketFlush> FlushBucketAsync(int bucket, Func<FlushBatch, CancellationToken, Task<IReadOnlyList<HeldLearner>>> write,
        CancellationToken cancellationToken = default)
    {
        var flushed = 0;
        var held = new List<HeldLearner>();
        var db = Db;
        var lease = keys.Lease(bucket);
        RedisKey[] claimKeys = [keys.Dirty(bucket), keys.Claimed(bucket), keys.Since(bucket), keys.ClaimedSince(bucket), lease,
            keys.Held(bucket), keys.HeldSince(bucket)];
        RedisValue token = Guid.NewGuid().ToString("N");
        // A claim left by a crashed flush is replayed first, then the loop goes on to the fresh dirty set.
        for (var replay = true; replay;)
        {
            var claim = (RedisValue[])(await db.ScriptEvaluateAsync(LuaScripts.Claim, claimKeys,
                [token, (long)FlushLease.TotalMilliseconds, Now]))!;
            replay = (int)claim[0] == 1;
            var members = claim[1..].Select(m => (string)m!).ToArray();
            if (members.Length == 0) break;
            try
            {
                var result = await WriteClaimAsync(db, bucket, members, write, cancellationToken);
                flushed += result.Keys;
                held.AddRange(result.Held);
            }
            finally
            {
                // Released on failure too: the claim stays, and the next flush replays it at once.
                await db.LockReleaseAsync(lease, token);
            }
        }
        return new BucketFlush(flushed, held);
    }

    /// <summary>Reads the claimed keys, hands them to the store, then acknowledges the written ones and holds the rest.</summary>
    private async Task<BucketFlush> WriteClaimAsync(IDatabase db, int bucket, string[] members,
        Func<FlushBatch, CancellationToken, Task<IReadOnlyList<HeldLearner>>> write, CancellationToken cancellationToken)
    {
        var hashes = await Task.WhenAll(members.Select(m => db.HashGetAllAsync(keys.Of(bucket, m))));
        var progress = new List<CourseProgressSnapshot>();
        var activity = new List<ActivitySnapshot>();
        var held = new List<HeldLearner>();
        for (var i = 0; i < members.Length; i++)
        {
            // An empty hash is a key that expired after an earlier acknowledged flush: nothing to write.
            if (hashes[i].Length == 0) continue;
            var user = UserOf(members[i]);
            try
            {
                if (RedisKeys.IsActivity(members[i]))
                    activity.Add(new ActivitySnapshot(user, ParseActivity(hashes[i])));
                else
                    progress.Add(new CourseProgressSnapshot(user, RedisKeys.ParseProgress(members[i]).CourseId, ParseProgress(hashes[i])));
            }
            catch (FormatException unreadable)
            {
                held.Add(new HeldLearner(user, $"unreadable buffered state in {members[i]}: {unreadable.Message}"));
            }
        }
        var heldUsers = held.Select(h => h.UserId).ToHashSet(StringComparer.Ordinal);
        var batch = new FlushBatch(progress.Where(p => !heldUsers.Contains(p.UserId)).ToList(),
            activity.Where(a => !heldUsers.Contains(a.UserId)).ToList());
        if (batch.Count > 0) held.AddRange(await write(batch, cancellationToken));
        heldUsers.UnionWith(held.Select(h => h.UserId));

        // Progress keys of written learners get their TTL (day spans keep their own, see ActivityTtl); held ones keep theirs.
        var written = members.Where(m => !heldUsers.Contains(UserOf(m))).OrderBy(m => RedisKeys.IsActivity(m)).ToArray();
        var kept = members.Where(m => heldUsers.Contains(UserOf(m))).ToArray();
        var ackArgs = new List<RedisValue>(5 + members.Length)
        {
            (long)flushedKeyTtl.TotalMilliseconds, Now, (long)FirstHoldDelay.TotalMilliseconds, (long)LongestHoldDelay.TotalMilliseconds, written.Length,
        };
        ackArgs.AddRange(written.Select(m => (RedisValue)m));
        ackArgs.AddRange(kept.Select(m => (RedisValue)m));
        await db.ScriptEvaluateAsync(LuaScripts.Ack,
            [keys.Dirty(bucket), keys.Claimed(bucket), keys.Held(bucket), keys.HeldAttempts(bucket), keys.HeldSince(bucket), keys.ClaimedSince(bucket),
                .. written.Where(m => !RedisKeys.IsActivity(m)).Select(m => keys.Of(bucket, m))],
            [.. ackArgs]);
        return new BucketFlush(batch.Progress.Count(p => !heldUsers.Contains(p.UserId)) + batch.Activity.Count(a => !heldUsers.Contains(a.UserId)), held);
    }

    public async Task EraseAsync(string userId, Func<CancellationToken, Task> whileHeld, CancellationToken cancellationToken = default)
    {
        var db = Db;
        var bucket = keys.BucketOf(userId);
        var lease = keys.Lease(bucket);
        RedisValue token = Guid.NewGuid().ToString("N");
        var prefix = RedisKeys.ProgressMember(userId, "");
        while (true)
        {
            // The learner's progress hashes: every course pinged lately, and any changed, claimed or held member (a hash
            // whose course list expired while the store was down). The script checks the list is still whole.
            var courses = CoursesAsync(db, userId);
            var dirty = db.SetMembersAsync(keys.Dirty(bucket));
            var claimed = db.SetMembersAsync(keys.Claimed(bucket));
            var held = db.SortedSetRangeByRankAsync(keys.Held(bucket));
            var members = (await courses).Select(c => RedisKeys.ProgressMember(userId, c))
                .Concat((await dirty).Concat(await claimed).Concat(await held).Select(m => (string)m!)
                    .Where(m => m.StartsWith(prefix, StringComparison.Ordinal)))
                .Distinct(StringComparer.Ordinal).ToList();
            RedisKey[] scriptKeys = [lease, keys.Dirty(bucket), keys.Claimed(bucket), keys.Since(bucket), keys.Held(bucket), keys.HeldAttempts(bucket),
                keys.HeldSince(bucket), keys.LegacyCourses(userId), keys.Activity(userId), .. members.Select(m => keys.Of(bucket, m))];
            RedisValue[] args = [token, (long)FlushLease.TotalMilliseconds, prefix, RedisKeys.ActivityMember(userId), .. members.Select(m => (RedisValue)m)];
            var result = (int)await db.ScriptEvaluateAsync(LuaScripts.Erase, scriptKeys, args);
            // An erase a failover forgot would bring the learner's buffered state back, to be flushed again.
            if (result == 1)
            {
                await CommitAofAsync();
                await ConfirmReplicatedAsync(lease);
                break;
            }
            // A flush holds the bucket until its write is acknowledged; the erase goes after it.
            if (result == -1) await Task.Delay(EraseRetryDelay, cancellationToken);
        }
        try
        {
            await whileHeld(cancellationToken);
        }
        finally
        {
            await db.LockReleaseAsync(lease, token);
        }
    }

    private static string UserOf(string member) =>
        RedisKeys.IsActivity(member) ? RedisKeys.UserOfActivity(member) : RedisKeys.ParseProgress(member).UserId;

    public async Task<long> CountPendingAsync(CancellationToken cancellationToken = default)
    {
        var db = Db;
        var counts = await Task.WhenAll(Enumerable.Range(0, keys.Buckets)
            .SelectMany(b => new[] { db.SetLengthAsync(keys.Dirty(b)), db.SetLengthAsync(keys.Claimed(b)), db.SortedSetLengthAsync(keys.Held(b)) }));
        return counts.Sum();
    }

    public async Task<long> CountHeldAsync(CancellationToken cancellationToken = default)
    {
        var db = Db;
        return (await Task.WhenAll(Enumerable.Range(0, keys.Buckets).Select(b => db.SortedSetLengthAsync(keys.Held(b))))).Sum();
    }

    public async Task<DateTimeOffset?> OldestPendingChangeAsync(CancellationToken cancellationToken = default)
    {
        var db = Db;
        // A claimed-since key outlives its claim until the bucket's next flush, so it counts only while the claim exists.
        var buckets = Enumerable.Range(0, keys.Buckets).Select(b => (
            Since: db.StringGetAsync(keys.Since(b)),
            ClaimedSince: db.StringGetAsync(keys.ClaimedSince(b)),
            Claimed: db.KeyExistsAsync(keys.Claimed(b)),
            HeldSince: db.StringGetAsync(keys.HeldSince(b)))).ToList();
        long? oldest = null;
        foreach (var (since, claimedSince, claimed, heldSince) in buckets)
        {
            if ((long?)await since is { } s) oldest = Math.Min(oldest ?? s, s);
            if (await claimed && (long?)await claimedSince is { } c) oldest = Math.Min(oldest ?? c, c);
            if ((long?)await heldSince is { } h) oldest = Math.Min(oldest ?? h, h);
        }
        return oldest is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    /// <summary>
    /// A ping can be buffered only where a write is taken: a reply to PING is not enough (a cluster whose state is
    /// <c>fail</c> answers it, and refuses every write with CLUSTERDOWN), so the check writes a short-lived key.
    /// </summary>
    public Task CheckAsync(CancellationToken cancellationToken = default) => Db.StringSetAsync(keys.Probe, Now, TimeSpan.FromMinutes(1));

    private static Dictionary<string, LectureProgress> ParseProgress(HashEntry[] entries)
    {
        var lectures = new Dictionary<string, LectureProgress>(entries.Length, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            // position;updatedAt|furthest|coverage, updatedAt in base 36, or as written before that: position|updatedAt|…
            // in decimal; an empty furthest is the position (record.lua).
            var value = (string)entry.Value!;
            var head = value.IndexOf(';', StringComparison.Ordinal);
            var parts = (head < 0 ? value : value[(head + 1)..]).Split('|');
            var position = Parse(head < 0 ? parts[0] : value[..head]);
            var updatedAt = head < 0 ? long.Parse(parts[1], CultureInfo.InvariantCulture) : PingArguments.FromBase36(parts[0]);
            var rest = head < 0 ? parts[2..] : parts[1..];
            lectures[entry.Name!] = new LectureProgress(position, updatedAt, rest[0].Length == 0 ? position : Parse(rest[0]), Coverage.Parse(rest[1]));
        }
        return lectures;
    }

    /// <summary>The day fields of a learner's day-spans hash; the listed courses and the cached zone are no days.</summary>
    private static Dictionary<DateOnly, Coverage> ParseActivity(HashEntry[] entries) =>
        entries.Where(e => RedisKeys.IsDayField(e.Name!)).ToDictionary(
            e => DateOnly.ParseExact((string)e.Name!, PingArguments.DayFormat, CultureInfo.InvariantCulture),
            e => Coverage.Parse(e.Value!));

    private static double Parse(string value) => double.Parse(value, CultureInfo.InvariantCulture);
}
