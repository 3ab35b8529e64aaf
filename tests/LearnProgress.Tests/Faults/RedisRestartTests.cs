using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Faults;

/// <summary>
/// Redis (with its append-only file, as production runs it) restarted while learners keep pinging through the API:
/// no answer is a 500, pings answer 503 with Retry-After while it is away, the service recovers by itself, and every
/// ping it acknowledged is there afterwards.
/// </summary>
public sealed class RedisRestartTests
{
    private const int Learners = 10;

    [Fact]
    public async Task A_redis_restart_under_load_gives_no_500_loses_no_acknowledged_ping_and_heals_alone()
    {
        using var data = new TempDirectory();
        var port = RedisServer.FreePort();
        Process StartRedis() => Process.Start(new ProcessStartInfo("redis-server",
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", data.Path, "--appendonly", "yes", "--save", ""])
        { RedirectStandardOutput = true, UseShellExecute = false })!;
        Process redis;
        try
        {
            redis = StartRedis();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            ServerRequirement.Unavailable("redis-server is not installed (apt-get install redis-server)");
            return;
        }
        redis.OutputDataReceived += (_, _) => { };
        redis.BeginOutputReadLine();
        await (await RedisServer.ConnectAsync($"127.0.0.1:{port}")).DisposeAsync();
        await using var app = new LearnProgressApp(redis: $"127.0.0.1:{port}");
        var course = await app.CreateCourseAsync(100_000);
        var users = Enumerable.Range(0, Learners).Select(_ => Unique.Id("u")).ToList();
        var statuses = new ConcurrentDictionary<int, int>();
        var acknowledged = new ConcurrentDictionary<string, int>();
        var retryAfterMissing = 0;
        using var stop = new CancellationTokenSource();
        var load = users.Select(async user =>
        {
            using var learner = app.Learner(user);
            for (var position = 1; !stop.IsCancellationRequested; position++)
            {
                var answer = await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = position });
                statuses.AddOrUpdate((int)answer.StatusCode, 1, (_, n) => n + 1);
                if (answer.StatusCode == HttpStatusCode.OK) acknowledged[user] = position;
                else if (answer.StatusCode == HttpStatusCode.ServiceUnavailable && answer.Headers.RetryAfter is null) Interlocked.Increment(ref retryAfterMissing);
                if (answer.StatusCode != HttpStatusCode.OK) await Task.Delay(50);
            }
        }).ToList();

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        // SIGKILL: Redis writes its append-only file before it replies, so a killed server still has every write it acknowledged.
        redis.Kill();
        await redis.WaitForExitAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var away = statuses.GetValueOrDefault(503);
        redis = StartRedis();
        redis.OutputDataReceived += (_, _) => { };
        redis.BeginOutputReadLine();
        var back = Stopwatch.StartNew();
        var okBefore = statuses.GetValueOrDefault(200);
        while (statuses.GetValueOrDefault(200) < okBefore + Learners * 5 && back.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50);
        var healedAfter = back.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(load);

        var lost = 0;
        foreach (var (user, position) in acknowledged)
        {
            using var learner = app.Learner(user);
            var lecture = (await (await learner.GetAsync($"/api/v1/progress/{course}")).JsonAsync()).GetProperty("lectures").GetProperty("l1");
            if (lecture.GetProperty("furthest").GetDouble() < position) lost++;
        }
        redis.Kill();
        await redis.WaitForExitAsync();
        FaultReport.Print($"redis restart under load: answers {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; " +
                          $"{away} 503s while it was away, {retryAfterMissing} without Retry-After; pings accepted again {healedAfter.TotalSeconds:0.0} s after it returned; " +
                          $"{lost} learners lost an acknowledged ping");
        Assert.DoesNotContain(statuses.Keys, s => s >= 500 && s != 503);
        Assert.True(statuses.GetValueOrDefault(503) > 0, "the restart was seen");
        Assert.Equal(0, retryAfterMissing);
        Assert.True(healedAfter < TimeSpan.FromSeconds(30), "the service healed alone");
        Assert.Equal(0, lost);
    }
}
