using System.Net.Http.Json;
using Dapper;
using LearnProgress.Redis;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace LearnProgress.Tests.Api;

/// <summary>Faults of the store in embedded mode: a learner it refuses (a SQLite trigger), and a store locked by another writer.</summary>
public sealed class StoreFaultTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly LearnProgressApp _app;

    public StoreFaultTests() => _app = new LearnProgressApp(time: _clock);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private SqliteConnection Database()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(_app.DataDirectory, "learnprogress.db")}");
        connection.Open();
        return connection;
    }

    [Fact]
    public async Task One_refused_learner_never_holds_back_the_rest_of_its_bucket_and_is_written_once_it_can_be()
    {
        var course = await _app.CreateCourseAsync(600);
        var keys = new RedisKeys(64);
        var poison = Unique.Id("poison");
        var neighbour = Enumerable.Range(0, 10_000).Select(i => $"{poison}-n{i}").First(u => keys.BucketOf(u) == keys.BucketOf(poison));
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var user in new[] { poison, neighbour })
        {
            using var learner = _app.Learner(user);
            (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 42, clientTs = now })).EnsureSuccessStatusCode();
        }
        using (var db = Database())
            db.Execute($"CREATE TRIGGER refuse_poison BEFORE INSERT ON lecture_progress WHEN NEW.user_id = '{poison}' BEGIN SELECT RAISE(ABORT, 'refused'); END;");

        using var admin = _app.Admin();
        var flush = await (await admin.PostAsync("/api/v1/admin/flush", null)).JsonAsync();

        var held = Assert.Single(flush.GetProperty("held").EnumerateArray());
        Assert.Equal(poison, held.GetProperty("userId").GetString());
        Assert.Contains("refused", held.GetProperty("reason").GetString());
        Assert.Equal(42, (await _app.Record.ReadProgressAsync(neighbour, course))["l1"].Position);
        Assert.Empty(await _app.Record.ReadProgressAsync(poison, course));
        using (var learner = _app.Learner(poison))
            Assert.Equal(42, (await (await learner.GetAsync($"/api/v1/progress/{course}")).JsonAsync()).GetProperty("watchTimes").GetProperty("l1").GetDouble());
        var metrics = await (await _app.CreateClient().GetAsync("/metrics")).Content.ReadAsStringAsync();
        Assert.Matches(@"learnprogress_flush_held_total(\{[^}]*\})? [1-9]", metrics);

        using (var db = Database())
            db.Execute("DROP TRIGGER refuse_poison;");
        Assert.Empty((await (await admin.PostAsync("/api/v1/admin/flush", null)).JsonAsync()).GetProperty("held").EnumerateArray());
        Assert.Empty(await _app.Record.ReadProgressAsync(poison, course));   // not yet: its retry time has not come

        _clock.Advance(RedisProgressBuffer.FirstHoldDelay);
        var retried = await (await admin.PostAsync("/api/v1/admin/flush", null)).JsonAsync();
        Assert.Empty(retried.GetProperty("held").EnumerateArray());
        Assert.Equal(42, (await _app.Record.ReadProgressAsync(poison, course))["l1"].Position);
        Assert.Equal(0, await _app.Buffer.CountHeldAsync());
    }

    [Fact]
    public async Task A_locked_store_fails_the_flush_fast_keeps_every_ping_and_the_next_flush_drains_them()
    {
        var course = await _app.CreateCourseAsync(600);
        var users = Enumerable.Range(0, 40).Select(_ => Unique.Id("u")).ToList();
        foreach (var user in users)
        {
            using var learner = _app.Learner(user);
            (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 7 })).EnsureSuccessStatusCode();
        }
        using var admin = _app.Admin();
        using (var locker = Database())
        {
            using var lockTaken = locker.BeginTransaction(System.Data.IsolationLevel.Serializable, deferred: false);
            var started = System.Diagnostics.Stopwatch.StartNew();
            var refused = await admin.PostAsync("/api/v1/admin/flush", null);
            // One busy timeout for the whole run, not one per bucket: the 40 learners sit in many buckets.
            Assert.InRange(started.Elapsed, TimeSpan.Zero, LearnProgress.Sqlite.SqliteDatabase.BusyTimeout * 3);
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            using var reader = _app.Learner(users[0]);
            Assert.Equal(7, (await (await reader.GetAsync($"/api/v1/progress/{course}")).JsonAsync()).GetProperty("watchTimes").GetProperty("l1").GetDouble());
        }

        var drained = await (await admin.PostAsync("/api/v1/admin/flush", null)).JsonAsync();
        Assert.True(drained.GetProperty("flushed").GetInt32() >= users.Count);
        foreach (var user in users)
            Assert.Equal(7, (await _app.Record.ReadProgressAsync(user, course))["l1"].Position);
    }
}
