using LearnProgress.Core.Progress;
using LearnProgress.Redis;
using LearnProgress.Tests.Infrastructure;
using StackExchange.Redis;

namespace LearnProgress.Tests.Buffer;

/// <summary>The behaviour every server behind the buffer port must show; one subclass per server.</summary>
public abstract class BufferContract
{
    private const int Buckets = 16;
    private static readonly TimeSpan FlushedTtl = TimeSpan.FromHours(24);
    private readonly string _user = Unique.Id("u");
    private readonly string _course = Unique.Id("c");
    private readonly RedisKeys _keys = new(Buckets);

    protected abstract IConnectionMultiplexer Connection { get; }

    protected virtual void RequireServer() { }

    private RedisProgressBuffer Buffer => new(Connection, _keys, FlushedTtl);
    private IDatabase Db => Connection.GetDatabase();
    private int Bucket => _keys.BucketOf(_user);
    private RedisKey ProgressKey => _keys.Progress(_user, _course);

    private ProgressPing Ping(string lecture, double position, long ts) => new(_course, lecture, position, ts);

    private async Task<List<CourseProgressSnapshot>> FlushAsync(Func<Task>? duringWrite = null)
    {
        var written = new List<CourseProgressSnapshot>();
        await Buffer.FlushBucketAsync(Bucket, async (batch, _) =>
        {
            if (duringWrite is not null) await duringWrite();
            written.AddRange(batch);
        });
        return written.Where(s => s.UserId == _user).ToList();
    }

    [Fact]
    public async Task A_recorded_ping_is_readable_at_once()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Ping("l1", 42.5, 1_000)]);

        var state = await Buffer.ReadAsync(_user, _course);

        Assert.Equal(new LectureProgress(42.5, 1_000, 42.5), state["l1"]);
    }

    [Fact]
    public async Task A_late_ping_never_moves_resume_back_nor_lowers_furthest()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Ping("l1", 300, 2_000)]);
        await Buffer.RecordAsync(_user, [Ping("l1", 100, 1_000)]);   // older client time, arrives late
        await Buffer.RecordAsync(_user, [Ping("l1", 50, 3_000)]);    // newer: the learner scrubbed back

        var state = (await Buffer.ReadAsync(_user, _course))["l1"];

        Assert.Equal(50, state.Position);
        Assert.Equal(3_000, state.UpdatedAt);
        Assert.Equal(300, state.Furthest);
    }

    [Fact]
    public async Task Equal_client_times_resolve_to_the_greater_position_whatever_the_order()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Ping("l1", 20, 5_000), Ping("l1", 10, 5_000)]);
        await Buffer.RecordAsync(_user, [Ping("l2", 10, 5_000), Ping("l2", 20, 5_000)]);

        var state = await Buffer.ReadAsync(_user, _course);

        Assert.Equal(20, state["l1"].Position);
        Assert.Equal(20, state["l2"].Position);
    }

    [Fact]
    public async Task A_batch_across_courses_lands_in_one_call_and_one_hash_slot()
    {
        RequireServer();
        var otherCourse = Unique.Id("c");
        await Buffer.RecordAsync(_user, [Ping("l1", 10, 1_000), new ProgressPing(otherCourse, "l9", 7, 1_000)]);

        Assert.Equal(10, (await Buffer.ReadAsync(_user, _course))["l1"].Position);
        Assert.Equal(7, (await Buffer.ReadAsync(_user, otherCourse))["l9"].Position);
        var slot = Connection.HashSlot(_keys.Dirty(Bucket));
        Assert.All(new[] { _keys.Claimed(Bucket), _keys.Progress(_user, _course), _keys.Progress(_user, otherCourse) },
            key => Assert.Equal(slot, Connection.HashSlot(key)));
    }

    [Fact]
    public async Task A_flush_hands_over_the_state_then_gives_the_key_a_ttl()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Ping("l1", 10, 1_000), Ping("l2", 99, 1_500)]);
        Assert.Null(await Db.KeyTimeToLiveAsync(ProgressKey));

        var written = Assert.Single(await FlushAsync());

        Assert.Equal(_course, written.CourseId);
        Assert.Equal(new LectureProgress(99, 1_500, 99), written.Lectures["l2"]);
        var ttl = await Db.KeyTimeToLiveAsync(ProgressKey);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, FlushedTtl - TimeSpan.FromMinutes(1), FlushedTtl);
        Assert.Empty(await FlushAsync());
    }

    [Fact]
    public async Task A_ping_after_a_flush_removes_the_ttl_so_unflushed_state_never_expires()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Ping("l1", 10, 1_000)]);
        await FlushAsync();

        await Buffer.RecordAsync(_user, [Ping("l1", 20, 2_000)]);

        Assert.Null(await Db.KeyTimeToLiveAsync(ProgressKey));
        Assert.Equal(20, Assert.Single(await FlushAsync()).Lectures["l1"].Position);
    }

    [Fact]
    public async Task A_duplicate_ping_does_not_dirty_the_key_again()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Ping("l1", 10, 1_000)]);
        await FlushAsync();

        await Buffer.RecordAsync(_user, [Ping("l1", 10, 1_000)]);
        await Buffer.RecordAsync(_user, [Ping("l1", 5, 900)]);

        Assert.Empty(await FlushAsync());
        Assert.NotNull(await Db.KeyTimeToLiveAsync(ProgressKey));
    }

    [Fact]
    public async Task A_ping_arriving_during_a_flush_is_flushed_next_time_not_lost()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Ping("l1", 10, 1_000)]);

        var first = await FlushAsync(duringWrite: () => Buffer.RecordAsync(_user, [Ping("l1", 60, 2_000)]));

        Assert.Equal(10, Assert.Single(first).Lectures["l1"].Position);
        Assert.Null(await Db.KeyTimeToLiveAsync(ProgressKey));
        Assert.Equal(60, Assert.Single(await FlushAsync()).Lectures["l1"].Position);
    }

    [Fact]
    public async Task A_flush_that_dies_before_its_acknowledgement_is_replayed()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Ping("l1", 10, 1_000)]);

        await Assert.ThrowsAsync<IOException>(() => Buffer.FlushBucketAsync(Bucket, (_, _) => throw new IOException("store down")));
        Assert.Null(await Db.KeyTimeToLiveAsync(ProgressKey));
        await Buffer.RecordAsync(_user, [Ping("l2", 5, 1_100)]);

        var replayed = (await FlushAsync()).Last();
        Assert.Equal(new LectureProgress(10, 1_000, 10), replayed.Lectures["l1"]);
        Assert.Equal(5, replayed.Lectures["l2"].Position);
        Assert.False(await Db.KeyExistsAsync(_keys.Claimed(Bucket)));
    }

    [Fact]
    public async Task The_oldest_pending_change_is_dated_by_its_first_ping_and_cleared_by_the_flush()
    {
        RequireServer();
        for (var b = 0; b < Buckets; b++) await Buffer.FlushBucketAsync(b, (_, _) => Task.CompletedTask);
        Assert.Null(await Buffer.OldestPendingChangeAsync());

        var before = DateTimeOffset.UtcNow;
        await Buffer.RecordAsync(_user, [Ping("l1", 10, 1_000)]);
        var first = await Buffer.OldestPendingChangeAsync();
        await Task.Delay(20);
        await Buffer.RecordAsync(_user, [Ping("l1", 20, 2_000)]);

        Assert.NotNull(first);
        Assert.InRange(first.Value, before.AddSeconds(-2), DateTimeOffset.UtcNow.AddSeconds(2));
        Assert.Equal(first, await Buffer.OldestPendingChangeAsync());
        // While the store takes the claim, the change is still unflushed, and a store failure must not hide it.
        DateTimeOffset? duringWrite = null;
        await FlushAsync(duringWrite: async () => duringWrite = await Buffer.OldestPendingChangeAsync());
        Assert.Equal(first, duringWrite);
        Assert.Null(await Buffer.OldestPendingChangeAsync());
    }

    [Fact]
    public async Task Pending_counts_dirty_and_claimed_keys()
    {
        RequireServer();
        var before = await Buffer.CountPendingAsync();
        await Buffer.RecordAsync(_user, [Ping("l1", 10, 1_000)]);
        Assert.True(await Buffer.CountPendingAsync() >= before + 1);

        await FlushAsync();

        Assert.False(await Db.SetContainsAsync(_keys.Dirty(Bucket), RedisKeys.Member(_user, _course)));
    }
}

public sealed class GarnetBufferTests(GarnetServer server) : BufferContract, IClassFixture<GarnetServer>
{
    protected override IConnectionMultiplexer Connection => server.Connection;
}

public sealed class RedisBufferTests(RedisServer server) : BufferContract, IClassFixture<RedisServer>
{
    protected override IConnectionMultiplexer Connection => server.Connection;
    protected override void RequireServer() => server.Require();
}
