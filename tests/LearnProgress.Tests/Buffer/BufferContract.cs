using LearnProgress.Core.Progress;
using LearnProgress.Redis;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace LearnProgress.Tests.Buffer;

/// <summary>The behaviour every server behind the buffer port must show; one subclass per server.</summary>
public abstract class BufferContract
{
    private const int Buckets = 16;
    private static readonly IReadOnlyList<HeldLearner> NoneHeld = [];
    private static readonly TimeSpan FlushedTtl = TimeSpan.FromHours(24);
    private readonly string _user = Unique.Id("u");
    private readonly string _course = Unique.Id("c");
    private readonly RedisKeys _keys = new(Buckets);

    protected abstract IConnectionMultiplexer Connection { get; }

    protected virtual void RequireServer() { }

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private RedisProgressBuffer Buffer => new(Connection, _keys, FlushedTtl, _clock);
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
            written.AddRange(batch.Progress);
            return NoneHeld;
        });
        return written.Where(s => s.UserId == _user).ToList();
    }

    [Fact]
    public async Task A_recorded_ping_is_readable_at_once()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Ping("l1", 42.5, 1_000)]);

        var state = await Buffer.ReadAsync(_user, _course);

        // A ping of the simplest shape claims the 30 s of footage before its position.
        Assert.Equal(new LectureProgress(42.5, 1_000, 42.5, Coverage.Of(12.5, 42.5)), state["l1"]);
    }

    [Fact]
    public async Task Learners_that_share_a_call_are_answered_apart_and_one_learners_broken_key_fails_only_that_learner()
    {
        RequireServer();
        var broken = Unique.Id("u");
        await Db.StringSetAsync(_keys.Activity(broken), "not a hash");
        var others = Enumerable.Range(0, 20).Select(_ => Unique.Id("u")).ToList();

        // The first call goes at once; what is sent while it is in flight shares the next one (per slot on a cluster).
        var first = Buffer.RecordAsync(others[0], [Ping("l1", 10, 1_000)]);
        var failing = Buffer.RecordAsync(broken, [Ping("l1", 10, 1_000)]);
        var rest = others.Skip(1).Select(user => Buffer.RecordAsync(user, [Ping("l1", 20, 2_000)])).ToList();

        await first;
        await Assert.ThrowsAsync<RedisServerException>(() => failing);
        await Task.WhenAll(rest);
        foreach (var user in others.Skip(1))
            Assert.Equal(20, (await Buffer.ReadAsync(user, _course))["l1"].Position);
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
        Assert.All(new[] { _keys.Claimed(Bucket), _keys.Progress(_user, _course), _keys.Progress(_user, otherCourse), _keys.Activity(_user), _keys.LegacyCourses(_user) },
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
        Assert.Equal(new LectureProgress(99, 1_500, 99, Coverage.Of(69, 99)), written.Lectures["l2"]);
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
        Assert.Equal(new LectureProgress(10, 1_000, 10, Coverage.Of(0, 10)), replayed.Lectures["l1"]);
        Assert.Equal(5, replayed.Lectures["l2"].Position);
        Assert.False(await Db.KeyExistsAsync(_keys.Claimed(Bucket)));
    }

    private static readonly DateOnly Today = new(2026, 5, 10);

    // Client times here count from the start of the learner's day, so a ping's playing span reads as its client time.
    private ProgressPing Play(string lecture, double from, double to, long ts, string? session = "s1", DateOnly? day = null, long? startedAt = null) =>
        new(_course, lecture, to, ts, from, session, day ?? Today, startedAt);

    private async Task<double> SecondsAsync(DateOnly day) => (await Buffer.ReadActivityAsync(_user))[day].Seconds;

    [Fact]
    public async Task Played_segments_build_coverage_and_day_seconds()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Play("l1", 0, 10, 10_000)]);
        await Buffer.RecordAsync(_user, [Play("l1", 10, 20, 20_000), Play("l1", 20, 30, 30_000)]);

        var lecture = (await Buffer.ReadAsync(_user, _course))["l1"];
        Assert.Equal("0:30", lecture.Coverage.Format());
        Assert.Equal(30, await SecondsAsync(Today));
    }

    [Fact]
    public async Task Re_watching_adds_seconds_but_not_coverage()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Play("l1", 0, 10, 10_000), Play("l1", 10, 20, 20_000)]);
        await Buffer.RecordAsync(_user, [Play("l1", 0, 10, 60_000, session: "s2"), Play("l1", 10, 20, 70_000, session: "s2")]);

        Assert.Equal(20, (await Buffer.ReadAsync(_user, _course))["l1"].Coverage.Seconds);
        Assert.Equal(40, await SecondsAsync(Today));
    }

    [Fact]
    public async Task Seeking_to_the_end_covers_only_what_was_played_after_the_seek()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Play("l1", 0, 5, 5_000)]);
        await Buffer.RecordAsync(_user, [Play("l1", 595, 600, 10_000)]);   // the player seeked to the end

        var lecture = (await Buffer.ReadAsync(_user, _course))["l1"];
        Assert.Equal(10, lecture.Coverage.Seconds);
        Assert.Equal(600, lecture.Furthest);
    }

    [Fact]
    public async Task A_ping_claims_at_most_twice_the_client_time_since_its_segment_began()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Play("l1", 0, 5, 5_000, startedAt: 0)]);
        await Buffer.RecordAsync(_user, [Play("l1", 5, 600, 15_000, startedAt: 5_000)]);    // claims 595 s in 10 s of client time

        var lecture = (await Buffer.ReadAsync(_user, _course))["l1"];
        Assert.Equal("0:5,580:600", lecture.Coverage.Format());
        Assert.Equal(15, await SecondsAsync(Today));
    }

    [Fact]
    public async Task A_ping_without_the_time_its_segment_began_claims_at_most_30_seconds()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Play("l1", 0, 600, 100_000)]);

        Assert.Equal("570:600", (await Buffer.ReadAsync(_user, _course))["l1"].Coverage.Format());
        Assert.Equal(30, await SecondsAsync(Today));
    }

    [Fact]
    public async Task A_duplicate_or_late_ping_adds_no_seconds()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Play("l1", 0, 10, 10_000), Play("l1", 10, 20, 20_000)]);
        await Buffer.RecordAsync(_user, [Play("l1", 10, 20, 20_000), Play("l1", 0, 10, 10_000)]);

        Assert.Equal(20, await SecondsAsync(Today));
    }

    [Fact]
    public async Task Two_tabs_playing_at_the_same_moment_count_that_moment_once()
    {
        RequireServer();
        var otherCourse = Unique.Id("c");
        await Buffer.RecordAsync(_user, [Play("l1", 0, 5, 65_000, session: "tab-1", startedAt: 60_000)]);
        await Buffer.RecordAsync(_user, [new ProgressPing(otherCourse, "l7", 105, 66_000, 100, "tab-2", Today, 61_000)]);

        Assert.Equal(6, await SecondsAsync(Today));
        Assert.Equal("0:5", (await Buffer.ReadAsync(_user, _course))["l1"].Coverage.Format());
        Assert.Equal("100:105", (await Buffer.ReadAsync(_user, otherCourse))["l7"].Coverage.Format());
    }

    [Fact]
    public async Task An_offline_session_replayed_later_counts_for_the_days_it_happened()
    {
        RequireServer();
        var monday = new DateOnly(2026, 5, 4);
        var offline = Enumerable.Range(1, 24).Select(i => Play("l1", (i - 1) * 5, i * 5, i * 5_000, session: "offline", day: monday)).ToList();

        await Buffer.RecordAsync(_user, offline);

        Assert.Equal(120, await SecondsAsync(monday));
        Assert.Equal("0:120", (await Buffer.ReadAsync(_user, _course))["l1"].Coverage.Format());
    }

    [Fact]
    public async Task Day_totals_flush_with_the_progress_and_keep_their_own_expiry()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Play("l1", 0, 30, 30_000)]);
        var activity = new List<ActivitySnapshot>();

        await Buffer.FlushBucketAsync(Bucket, (batch, _) =>
        {
            activity.AddRange(batch.Activity.Where(a => a.UserId == _user));
            return Task.FromResult(NoneHeld);
        });

        Assert.Equal(30, Assert.Single(activity).Played[Today].Seconds);
        var ttl = await Db.KeyTimeToLiveAsync(_keys.Activity(_user));
        Assert.NotNull(ttl);
        Assert.True(ttl > TimeSpan.FromDays(31), $"activity TTL {ttl}");
    }

    [Fact]
    public async Task The_course_list_lives_32_days_in_the_day_spans_and_names_again_a_course_changed_after_its_flush()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Ping("l1", 10, 1_000)]);
        Assert.Equal([_course], RedisKeys.CoursesOf(await Db.HashKeysAsync(_keys.Activity(_user))));
        Assert.True(await Db.KeyTimeToLiveAsync(_keys.Activity(_user)) > TimeSpan.FromDays(31));
        await FlushAsync();
        await Db.HashDeleteAsync(_keys.Activity(_user), RedisKeys.CourseFieldPrefix + _course); // as if the list had lapsed

        await Buffer.RecordAsync(_user, [Ping("l1", 20, 2_000)]);

        Assert.Equal([_course], RedisKeys.CoursesOf(await Db.HashKeysAsync(_keys.Activity(_user))));
        Assert.Equal(20, (await Buffer.ReadCoursesAsync(_user))[_course]["l1"].Position);
        Assert.True(await Db.KeyTimeToLiveAsync(_keys.Activity(_user)) > TimeSpan.FromDays(31));
        Assert.False(await Db.KeyExistsAsync(_keys.LegacyCourses(_user)));
    }

    [Fact]
    public async Task A_course_set_an_older_version_left_is_still_read_and_erased()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Ping("l1", 10, 1_000)]);
        var old = Unique.Id("c");
        // As a version that kept the course list in a set of its own left it: a progress hash and the set naming it.
        await Db.HashSetAsync(_keys.Progress(_user, old), "l7", "5|1000|5|0:5");
        await Db.SetAddAsync(_keys.LegacyCourses(_user), old);

        var courses = await Buffer.ReadCoursesAsync(_user);

        Assert.Equal(new[] { _course, old }.Order(StringComparer.Ordinal), courses.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new LectureProgress(5, 1_000, 5, Coverage.Of(0, 5)), courses[old]["l7"]);
        await Buffer.EraseAsync(_user, _ => Task.CompletedTask);
        Assert.False(await Db.KeyExistsAsync(_keys.LegacyCourses(_user)));
        Assert.False(await Db.KeyExistsAsync(_keys.Progress(_user, old)));
        Assert.False(await Db.KeyExistsAsync(_keys.Progress(_user, _course)));
        Assert.Empty(await Buffer.ReadCoursesAsync(_user));
    }

    [Fact]
    public async Task A_lectures_time_is_stored_in_base_36_and_its_furthest_only_where_it_is_not_the_position_and_older_values_still_merge()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Ping("l1", 40, 1_000)]);
        // updatedAt in base 36: 1000 = 27 × 36 + 28.
        Assert.Equal("40;rs||10:40", (string?)await Db.HashGetAsync(ProgressKey, "l1"));

        await Buffer.RecordAsync(_user, [Ping("l1", 20, 2_000)]);

        Assert.Equal("20;1jk|40|0:40", (string?)await Db.HashGetAsync(ProgressKey, "l1"));
        Assert.Equal(new LectureProgress(20, 2_000, 40, Coverage.Of(0, 40)), (await Buffer.ReadAsync(_user, _course))["l1"]);
        // A value as versions before wrote it (updatedAt in decimal, furthest spelled out) merges as before, keeping its
        // form until a later ping replaces its updatedAt.
        await Db.HashSetAsync(ProgressKey, "l2", "50|1796569400578|50|20:50");
        await Buffer.RecordAsync(_user, [Ping("l2", 45, 1_796_569_400_000)]);
        Assert.Equal(new LectureProgress(50, 1_796_569_400_578, 50, Coverage.Of(15, 50)), (await Buffer.ReadAsync(_user, _course))["l2"]);
        Assert.Equal("50|1796569400578||15:50", (string?)await Db.HashGetAsync(ProgressKey, "l2"));
        await Buffer.RecordAsync(_user, [Ping("l2", 45, 1_796_569_400_579)]);
        Assert.Equal(new LectureProgress(45, 1_796_569_400_579, 50, Coverage.Of(15, 50)), (await Buffer.ReadAsync(_user, _course))["l2"]);
        Assert.Equal("45;mxbz19fn|50|15:50", (string?)await Db.HashGetAsync(ProgressKey, "l2"));
    }

    private RedisLearnerZones Zones => new(Connection, _keys);

    [Fact]
    public async Task A_cached_zone_is_a_field_of_the_day_spans_that_no_read_or_flush_takes_for_a_day()
    {
        RequireServer();
        Assert.Null(await Zones.GetAsync(_user));

        await Zones.FillAsync(_user, "Europe/Paris");

        Assert.Equal("Europe/Paris", await Zones.GetAsync(_user));
        // A hash the zone created lives as long as the shared zone cache did; the first day pushes it to the days' TTL.
        Assert.InRange(await Db.KeyTimeToLiveAsync(_keys.Activity(_user)) ?? TimeSpan.Zero, TimeSpan.FromHours(23), RedisLearnerZones.Ttl);
        Assert.Empty(await Buffer.ReadActivityAsync(_user));
        await Buffer.RecordAsync(_user, [Play("l1", 0, 30, 30_000)]);
        Assert.True(await Db.KeyTimeToLiveAsync(_keys.Activity(_user)) > TimeSpan.FromDays(31));
        var activity = new List<ActivitySnapshot>();
        await Buffer.FlushBucketAsync(Bucket, (batch, _) =>
        {
            activity.AddRange(batch.Activity.Where(a => a.UserId == _user));
            return Task.FromResult(NoneHeld);
        });
        Assert.Equal([Today], Assert.Single(activity).Played.Keys);
        Assert.Equal([Today], (await Buffer.ReadActivityAsync(_user)).Keys);
        Assert.Equal("Europe/Paris", await Zones.GetAsync(_user));
        Assert.True(await Db.KeyTimeToLiveAsync(_keys.Activity(_user)) > TimeSpan.FromDays(31));
    }

    [Fact]
    public async Task A_zone_set_replaces_the_cached_one_and_a_fill_read_before_it_does_not_bring_the_old_one_back()
    {
        RequireServer();
        await Zones.FillAsync(_user, "UTC");
        Assert.Equal("UTC", await Zones.GetAsync(_user));
        Assert.Equal("", (string?)await Db.HashGetAsync(_keys.Activity(_user), RedisKeys.ZoneField)); // the default, in no bytes

        await Zones.SetAsync(_user, "Asia/Tokyo");
        await Zones.FillAsync(_user, "UTC");

        Assert.Equal("Asia/Tokyo", await Zones.GetAsync(_user));
        await Zones.SetAsync(_user, "UTC");
        Assert.Equal("UTC", await Zones.GetAsync(_user));
    }

    [Fact]
    public async Task Erasing_a_learner_drops_the_cached_zone_with_the_day_spans()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Play("l1", 0, 30, 30_000)]);
        await Zones.FillAsync(_user, "Europe/Paris");

        await Buffer.EraseAsync(_user, _ => Task.CompletedTask);

        Assert.Null(await Zones.GetAsync(_user));
        Assert.False(await Db.KeyExistsAsync(_keys.Activity(_user)));
    }

    [Fact]
    public async Task The_oldest_pending_change_is_dated_by_its_first_ping_and_cleared_by_the_flush()
    {
        RequireServer();
        for (var b = 0; b < Buckets; b++) await Buffer.FlushBucketAsync(b, (_, _) => Task.FromResult(NoneHeld));
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
    public async Task Two_flushers_never_write_the_same_claim()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Ping("l1", 10, 1_000)]);
        var inside = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var firstWrites = 0;

        var first = Buffer.FlushBucketAsync(Bucket, async (batch, _) =>
        {
            Interlocked.Add(ref firstWrites, batch.Progress.Count(s => s.UserId == _user));
            inside.SetResult();
            await release.Task;
            return NoneHeld;
        });
        await inside.Task;
        var secondWrote = new List<CourseProgressSnapshot>();
        await Buffer.FlushBucketAsync(Bucket, (batch, _) => { secondWrote.AddRange(batch.Progress); return Task.FromResult(NoneHeld); });
        release.SetResult();
        await first;

        Assert.Equal(1, firstWrites);
        Assert.DoesNotContain(secondWrote, s => s.UserId == _user);
        Assert.False(await Db.KeyExistsAsync(_keys.Lease(Bucket)));
    }

    [Fact]
    public async Task The_claim_of_a_flusher_that_died_is_replayed_once_its_lease_lapses()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Ping("l1", 10, 1_000)]);
        await Assert.ThrowsAsync<IOException>(() => Buffer.FlushBucketAsync(Bucket, (_, _) => throw new IOException("store down")));
        // A flusher that died mid-flush leaves its lease behind.
        await Db.StringSetAsync(_keys.Lease(Bucket), "dead-flusher", TimeSpan.FromMilliseconds(300));

        Assert.Empty(await FlushAsync());
        await Task.Delay(400);

        Assert.Equal(10, Assert.Single(await FlushAsync()).Lectures["l1"].Position);
    }

    /// <summary>Another learner whose keys fall in the same bucket.</summary>
    private string Neighbour()
    {
        for (var i = 0; ; i++)
            if (_keys.BucketOf($"{_user}-n{i}") == Bucket) return $"{_user}-n{i}";
    }

    /// <summary>Flushes the bucket, refusing <paramref name="refused"/>; returns the learners the store was handed.</summary>
    private async Task<(HashSet<string> Written, BucketFlush Result)> FlushRefusingAsync(params string[] refused)
    {
        var written = new HashSet<string>();
        var result = await Buffer.FlushBucketAsync(Bucket, (batch, _) =>
        {
            written.UnionWith(batch.Users);
            return Task.FromResult<IReadOnlyList<HeldLearner>>(batch.Users.Where(refused.Contains).Select(u => new HeldLearner(u, "refused")).ToList());
        });
        return (written, result);
    }

    [Fact]
    public async Task A_learner_the_store_refuses_is_held_back_and_the_rest_of_its_bucket_is_written()
    {
        RequireServer();
        var neighbour = Neighbour();
        await Buffer.RecordAsync(_user, [Ping("l1", 10, 1_000)]);
        await Buffer.RecordAsync(neighbour, [Ping("l1", 20, 1_000)]);

        var (_, result) = await FlushRefusingAsync(_user);

        Assert.Equal(_user, Assert.Single(result.Held).UserId);
        Assert.NotNull(await Db.KeyTimeToLiveAsync(_keys.Progress(neighbour, _course)));
        Assert.Null(await Db.KeyTimeToLiveAsync(ProgressKey));   // never expires while held
        Assert.Equal(10, (await Buffer.ReadAsync(_user, _course))["l1"].Position);
        Assert.True(await Buffer.CountHeldAsync() >= 1);
        Assert.NotNull(await Buffer.OldestPendingChangeAsync());

        var (beforeDelay, _) = await FlushRefusingAsync();
        Assert.DoesNotContain(_user, beforeDelay);

        _clock.Advance(RedisProgressBuffer.FirstHoldDelay);
        var (afterDelay, retried) = await FlushRefusingAsync();
        Assert.Contains(_user, afterDelay);
        Assert.Empty(retried.Held);
        Assert.NotNull(await Db.KeyTimeToLiveAsync(ProgressKey));
        Assert.False(await Db.KeyExistsAsync(_keys.HeldAttempts(Bucket)) && await Db.HashExistsAsync(_keys.HeldAttempts(Bucket), RedisKeys.ProgressMember(_user, _course)));
    }

    [Fact]
    public async Task The_delay_before_a_held_learner_is_tried_again_doubles_with_each_refusal()
    {
        RequireServer();
        await Buffer.RecordAsync(_user, [Ping("l1", 10, 1_000)]);
        await FlushRefusingAsync(_user);
        _clock.Advance(RedisProgressBuffer.FirstHoldDelay);
        Assert.Contains(_user, (await FlushRefusingAsync(_user)).Written);

        _clock.Advance(RedisProgressBuffer.FirstHoldDelay);
        Assert.DoesNotContain(_user, (await FlushRefusingAsync()).Written);
        _clock.Advance(RedisProgressBuffer.FirstHoldDelay);
        Assert.Contains(_user, (await FlushRefusingAsync()).Written);
    }

    [Fact]
    public async Task Buffered_state_that_cannot_be_read_holds_back_its_learner_alone()
    {
        RequireServer();
        var neighbour = Neighbour();
        await Buffer.RecordAsync(_user, [Ping("l1", 10, 1_000)]);
        await Buffer.RecordAsync(neighbour, [Ping("l1", 20, 1_000)]);
        await Db.HashSetAsync(ProgressKey, "l2", "not|a|lecture|x");

        var (written, result) = await FlushRefusingAsync();

        Assert.Contains(neighbour, written);
        Assert.DoesNotContain(_user, written);
        Assert.StartsWith("unreadable buffered state", Assert.Single(result.Held).Reason);
        Assert.Equal("not|a|lecture|x", (string?)await Db.HashGetAsync(ProgressKey, "l2"));

        // Repaired, it is written at its next turn and nothing stays held.
        await Db.HashDeleteAsync(ProgressKey, "l2");
        _clock.Advance(RedisProgressBuffer.FirstHoldDelay);
        Assert.Contains(_user, (await FlushRefusingAsync()).Written);
        Assert.False(await Db.KeyExistsAsync(_keys.HeldSince(Bucket)));
    }

    [Fact]
    public async Task Pending_counts_dirty_and_claimed_keys()
    {
        RequireServer();
        var before = await Buffer.CountPendingAsync();
        await Buffer.RecordAsync(_user, [Ping("l1", 10, 1_000)]);
        Assert.True(await Buffer.CountPendingAsync() >= before + 1);

        await FlushAsync();

        Assert.False(await Db.SetContainsAsync(_keys.Dirty(Bucket), RedisKeys.ProgressMember(_user, _course)));
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

public sealed class ClusterBufferTests(RedisCluster cluster) : BufferContract, IClassFixture<RedisCluster>
{
    protected override IConnectionMultiplexer Connection => cluster.Connection;
    protected override void RequireServer() => cluster.Require();
}
