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
        Assert.Equal(1, flush.GetProperty("flushed").GetInt32());
    }
}
