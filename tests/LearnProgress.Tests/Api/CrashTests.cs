using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Api;

/// <summary>The embedded service as a real process: an acknowledged ping survives kill -9.</summary>
public sealed class CrashTests
{
    [Fact]
    public async Task An_acknowledged_ping_survives_kill_9_in_embedded_mode()
    {
        using var data = new TempDirectory();
        var course = Unique.Id("c");
        var user = Unique.Id("u");

        await using (var first = await ServiceProcess.StartAsync(data.Path))
        {
            using var admin = first.Client(TestTokens.Admin());
            (await admin.PostAsJsonAsync("/api/v1/courses", new { id = course, title = "Crash course" })).EnsureSuccessStatusCode();
            (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/lectures/l1", new { title = "One", durationSeconds = 600 })).EnsureSuccessStatusCode();
            using var learner = first.Client(TestTokens.Learner(user));
            for (var i = 1; i <= 20; i++)
                Assert.Equal(HttpStatusCode.OK, (await learner.PostAsJsonAsync("/api/v1/progress/save",
                    new { courseId = course, lectureId = "l1", watchTime = i * 10 })).StatusCode);
            first.Kill();
        }

        await using var second = await ServiceProcess.StartAsync(data.Path);
        using var again = second.Client(TestTokens.Learner(user));
        var progress = await (await again.GetAsync($"/api/v1/progress/{course}")).JsonAsync();
        Assert.Equal(200, progress.GetProperty("watchTimes").GetProperty("l1").GetDouble());

        using var operations = second.Client(TestTokens.Admin());
        var flush = await (await operations.PostAsync("/api/v1/admin/flush", null)).JsonAsync();
        Assert.Equal(2, flush.GetProperty("flushed").GetInt32());   // the course's progress and the learner's played days
    }

    [Fact]
    public async Task Acknowledged_pings_survive_kill_9_while_garnet_checkpoints_and_truncates_its_aof()
    {
        using var data = new TempDirectory();
        var course = Unique.Id("c");
        var learners = Enumerable.Range(0, 8).Select(_ => Unique.Id("u")).ToArray();
        var acknowledged = new double[learners.Length];
        // Checkpoints every 10 s and after each 8 MiB of AOF, so kills land around and inside them.
        var environment = new Dictionary<string, string>
        {
            ["Storage__CheckpointInterval"] = "00:00:10",
            ["Storage__AofSizeLimitMegabytes"] = "8",
            ["RateLimiting__PingBurst"] = "100000",
            ["RateLimiting__PingTokensPerSecond"] = "100000",
        };
        var sent = 0;
        TimeSpan[] killAfter = [TimeSpan.FromSeconds(10.2), TimeSpan.FromSeconds(10.8)];
        foreach (var (wait, round) in killAfter.Select((w, i) => (w, i)))
        {
            await using var service = await ServiceProcess.StartAsync(data.Path, environment);
            if (round == 0)
            {
                using var admin = service.Client(TestTokens.Admin());
                (await admin.PostAsJsonAsync("/api/v1/courses", new { id = course, title = "Crash course" })).EnsureSuccessStatusCode();
                (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/lectures/l1", new { title = "One", durationSeconds = 100_000 })).EnsureSuccessStatusCode();
            }
            using var stop = new CancellationTokenSource(wait);
            await Task.WhenAll(learners.Select(async (user, i) =>
            {
                using var learner = service.Client(TestTokens.Learner(user));
                while (!stop.IsCancellationRequested)
                {
                    var position = acknowledged[i] + 1;
                    try
                    {
                        var answer = await learner.PostAsJsonAsync("/api/v1/progress/save",
                            new { courseId = course, lectureId = "l1", watchTime = position }, CancellationToken.None);
                        if (answer.StatusCode == HttpStatusCode.OK)
                        {
                            acknowledged[i] = position;
                            Interlocked.Increment(ref sent);
                        }
                    }
                    catch (HttpRequestException) { }
                }
            }));
            service.Kill();
        }

        await using var last = await ServiceProcess.StartAsync(data.Path, environment);
        for (var i = 0; i < learners.Length; i++)
        {
            using var learner = last.Client(TestTokens.Learner(learners[i]));
            var progress = await (await learner.GetAsync($"/api/v1/progress/{course}")).JsonAsync();
            Assert.Equal(acknowledged[i], progress.GetProperty("watchTimes").GetProperty("l1").GetDouble());
        }
        Assert.True(sent > 100, $"Only {sent} pings were acknowledged; the test needs load to mean anything.");
    }
}
