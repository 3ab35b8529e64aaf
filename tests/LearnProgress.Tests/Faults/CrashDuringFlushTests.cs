using System.Net.Http.Json;
using Dapper;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace LearnProgress.Tests.Faults;

/// <summary>
/// kill -9 of the real API process in the middle of a flush of many learners: after a restart and another flush,
/// the store holds every learner exactly once, with nothing lost and no seconds counted twice.
/// </summary>
public sealed class CrashDuringFlushTests
{
    private const int Learners = 600;

    [Fact]
    public async Task A_flush_killed_midway_loses_nothing_and_doubles_nothing()
    {
        using var data = new TempDirectory();
        var course = Unique.Id("c");
        var users = Enumerable.Range(0, Learners).Select(i => $"{course}-u{i}").ToList();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var killedAfter = TimeSpan.Zero;
        await using (var first = await ServiceProcess.StartAsync(data.Path))
        {
            using var admin = first.Client(TestTokens.Admin());
            (await admin.PostAsJsonAsync("/api/v1/courses", new { id = course, title = "Crash" })).EnsureSuccessStatusCode();
            (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/lectures/l1", new { title = "One", durationSeconds = 600 })).EnsureSuccessStatusCode();
            await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (user, ct) =>
            {
                using var learner = first.Client(TestTokens.Learner(user));
                var pings = Enumerable.Range(1, 3).Select(i => new
                {
                    courseId = course, lectureId = "l1", segmentStart = (i - 1) * 5, watchTime = i * 5,
                    clientTs = now - (3 - i) * 5_000L, segmentStartTs = now - (4 - i) * 5_000L,
                });
                (await learner.PostAsJsonAsync("/api/v1/progress/batch", new { pings }, ct)).EnsureSuccessStatusCode();
            });

            var flushing = admin.PostAsync("/api/v1/admin/flush", null);
            var started = System.Diagnostics.Stopwatch.StartNew();
            // Kill once the flush has written part of the learners, judged from the store file itself.
            while (started.Elapsed < TimeSpan.FromSeconds(30) && StoredLearners(data.Path, course) < Learners / 10)
                await Task.Delay(5);
            killedAfter = started.Elapsed;
            first.Kill();
            await Assert.ThrowsAnyAsync<Exception>(() => flushing);
        }
        var storedAtKill = StoredLearners(data.Path, course);

        await using (var second = await ServiceProcess.StartAsync(data.Path))
        {
            using var admin = second.Client(TestTokens.Admin());
            (await admin.PostAsync("/api/v1/admin/flush", null)).EnsureSuccessStatusCode();
            (await admin.PostAsync("/api/v1/admin/flush", null)).EnsureSuccessStatusCode();   // a replay changes nothing
        }

        using var store = new SqliteConnection($"Data Source={Path.Combine(data.Path, "learnprogress.db")};Mode=ReadOnly");
        var rows = store.Query<(string User, double Position, string Coverage)>(
            "SELECT user_id, position, coverage FROM lecture_progress WHERE course_id = @course", new { course }).ToList();
        var seconds = store.Query<(string User, double Seconds)>(
            "SELECT user_id, SUM(seconds) FROM activity_days WHERE user_id LIKE @prefix GROUP BY user_id", new { prefix = course + "-u%" }).ToList();
        FaultReport.Print($"kill -9 during a flush: killed after {killedAfter.TotalMilliseconds:0} ms with {storedAtKill} of {Learners} learners stored; " +
                          $"after restart {rows.Count} stored, {rows.Count(r => r.Position != 15 || r.Coverage != "0:15")} wrong, " +
                          $"{seconds.Count(s => s.Seconds != 15)} with day seconds other than 15");
        Assert.True(storedAtKill < Learners, "the kill came before the flush finished");
        Assert.Equal(Learners, rows.Count);
        Assert.All(rows, r => Assert.Equal((15.0, "0:15"), (r.Position, r.Coverage)));
        Assert.Equal(Learners, seconds.Count);
        Assert.All(seconds, s => Assert.Equal(15.0, s.Seconds));
    }

    private static int StoredLearners(string dataDirectory, string course)
    {
        var file = Path.Combine(dataDirectory, "learnprogress.db");
        if (!File.Exists(file)) return 0;
        try
        {
            using var store = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
            return store.ExecuteScalar<int>("SELECT COUNT(*) FROM lecture_progress WHERE course_id = @course", new { course });
        }
        catch (SqliteException)
        {
            return 0;
        }
    }
}
