using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace LearnProgress.Tests.Faults;

/// <summary>
/// The SQLite store locked by another writer for a minute while learners keep pinging: pings are accepted, every
/// flush attempt fails fast, and the first flush after the lock is released drains the whole backlog.
/// </summary>
public sealed class StoreLockedTests : IAsyncLifetime
{
    private static readonly TimeSpan Locked = TimeSpan.FromSeconds(60);
    private readonly LearnProgressApp _app = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Pings_are_accepted_through_a_minute_long_lock_and_the_backlog_drains_after()
    {
        var course = await _app.CreateCourseAsync(100_000);
        var users = Enumerable.Range(0, 20).Select(_ => Unique.Id("u")).ToList();
        var acknowledged = users.ToDictionary(u => u, _ => 0);
        using var admin = _app.Admin();
        var refusedFlushes = 0;
        var slowestFlush = TimeSpan.Zero;
        var position = 0;
        var acked = 0;

        using (var locker = new SqliteConnection($"Data Source={Path.Combine(_app.DataDirectory, "learnprogress.db")}"))
        {
            locker.Open();
            using var lockTaken = locker.BeginTransaction(deferred: false);
            var held = Stopwatch.StartNew();
            while (held.Elapsed < Locked)
            {
                position++;
                foreach (var user in users)
                {
                    using var learner = _app.Learner(user);
                    var answer = await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = position });
                    if (answer.StatusCode != HttpStatusCode.OK) continue;
                    acknowledged[user] = position;
                    acked++;
                }
                var attempt = Stopwatch.StartNew();
                if ((await admin.PostAsync("/api/v1/admin/flush", null)).StatusCode == HttpStatusCode.ServiceUnavailable) refusedFlushes++;
                slowestFlush = attempt.Elapsed > slowestFlush ? attempt.Elapsed : slowestFlush;
            }
        }

        var drain = await (await admin.PostAsync("/api/v1/admin/flush", null)).JsonAsync();
        var stored = 0;
        foreach (var user in users)
            if ((await _app.Record.ReadProgressAsync(user, course)).GetValueOrDefault("l1")?.Furthest >= acknowledged[user]) stored++;
        FaultReport.Print($"store locked for {Locked.TotalSeconds:0} s: {position * users.Count} pings sent, {acked} acknowledged, " +
                          $"{refusedFlushes} flushes refused (slowest {slowestFlush.TotalSeconds:0.0} s), after the lock {drain.GetProperty("flushed").GetInt32()} keys drained, " +
                          $"{stored} of {users.Count} learners stored up to their last acknowledged ping");
        Assert.All(acknowledged.Values, p => Assert.Equal(position, p));
        Assert.True(refusedFlushes > 0);
        Assert.InRange(slowestFlush, TimeSpan.Zero, LearnProgress.Sqlite.SqliteDatabase.BusyTimeout * 3);
        Assert.Equal(users.Count, stored);
    }
}
