using System.Net.Http.Json;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Api;

public sealed class HostingTests
{
    [Fact]
    public async Task Outside_development_the_service_refuses_to_start_without_a_signing_key()
    {
        await using var app = new LearnProgressApp(environment: "Production", settings: new() { ["Auth:SigningKey"] = "" });

        var error = Assert.ThrowsAny<Exception>(() => app.Server);

        Assert.Contains("Auth:SigningKey is required", error.ToString());
    }

    [Fact]
    public async Task A_short_signing_key_is_refused()
    {
        await using var app = new LearnProgressApp(settings: new() { ["Auth:SigningKey"] = "too-short" });
        Assert.Contains("at least 32 bytes", Assert.ThrowsAny<Exception>(() => app.Server).ToString());
    }

    [Theory]
    [InlineData("00:00:07")]
    [InlineData("00:00:00")]
    [InlineData("00:07:00")]
    [InlineData("02:00:00")]
    public async Task A_flush_interval_cron_cannot_keep_is_refused(string interval)
    {
        await using var app = new LearnProgressApp(settings: new() { ["WriteBehind:FlushInterval"] = interval });
        Assert.Contains("WriteBehind:FlushInterval", Assert.ThrowsAny<Exception>(() => app.Server).ToString());
    }

    [Fact]
    public async Task The_recurring_job_flushes_within_an_interval()
    {
        await using var app = new LearnProgressApp(scheduler: true, settings: new() { ["WriteBehind:FlushInterval"] = "00:00:01" });
        var course = await app.CreateCourseAsync(600);
        var user = Unique.Id("u");
        using var learner = app.Learner(user);

        (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 77 })).EnsureSuccessStatusCode();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && (await app.Record.ReadProgressAsync(user, course)).Count == 0)
            await Task.Delay(200);
        Assert.Equal(77, (await app.Record.ReadProgressAsync(user, course))["l1"].Position);
        Assert.Equal(0, await app.Buffer.CountPendingAsync());
    }
}
