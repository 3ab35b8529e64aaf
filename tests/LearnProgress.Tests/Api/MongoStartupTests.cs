using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Hangfire;
using Hangfire.Storage;
using LearnProgress.Api.Operations;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;

namespace LearnProgress.Tests.Api;

/// <summary>
/// Like Redis, MongoDB may be down when the service starts: the service starts anyway, live but not ready, answers
/// what needs the store with a 503 and Retry-After, and sets up the store and Hangfire's job storage when MongoDB
/// answers, becoming ready without a restart.
/// </summary>
public sealed class MongoStartupTests(MongoServer mongo, RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task The_service_starts_while_mongodb_is_down_live_but_not_ready_and_what_needs_the_store_answers_503()
    {
        redis.Require();
        // Nothing listens on a port just handed out and released.
        var nowhere = $"mongodb://127.0.0.1:{RedisServer.FreePort()}/lp-down?serverSelectionTimeoutMS=500&connectTimeoutMS=500";
        await using var app = new LearnProgressApp(redis: redis.ConnectionString, scheduler: true,
            settings: new() { ["ConnectionStrings:Mongo"] = nowhere });
        using var anonymous = app.ClientFor(null);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        var ready = await anonymous.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var checks = (await ready.JsonAsync()).GetProperty("checks");
        Assert.Equal("Unhealthy", checks.GetProperty("store").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("buffer").GetProperty("status").GetString());

        using var learner = app.Learner(Unique.Id("u"));
        await AssertUnavailableAsync(await learner.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = Unique.Id("c"), lectureId = "l1" }));
        await AssertUnavailableAsync(await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = Unique.Id("c"), lectureId = "l1", watchTime = 5 }));
        using var admin = app.Admin();
        await AssertUnavailableAsync(await admin.PostAsJsonAsync("/api/v1/courses", new { id = Unique.Id("c"), title = "Course" }));
        // The dashboard has its storage while MongoDB is away; what it reads there is an outage like any other.
        await AssertUnavailableAsync(await admin.GetAsync("/hangfire"));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task The_service_becomes_ready_without_a_restart_when_mongodb_comes_and_then_flushes_and_runs_its_jobs()
    {
        mongo.Require();
        redis.Require();
        var url = new MongoUrlBuilder(mongo.ConnectionStringForNewDatabase());
        if (url.Scheme != MongoDB.Driver.Core.Configuration.ConnectionStringScheme.MongoDB || url.Servers.Count() != 1 || url.UseTls)
            Assert.Skip($"MongoDB at {url.Server} cannot be reached through a plain TCP proxy (SRV, several hosts or TLS).");
        await using var proxy = new TcpProxy(url.Server.Host, url.Server.Port);
        url.Server = new MongoServerAddress("127.0.0.1", proxy.Port);
        // Only through the proxy: a replica set's member list names the server's own address, which discovery would use.
        url.DirectConnection = true;
        url.ServerSelectionTimeout = TimeSpan.FromSeconds(2);
        await using var app = new LearnProgressApp(redis: redis.ConnectionString, scheduler: true,
            settings: new() { ["ConnectionStrings:Mongo"] = url.ToString(), ["WriteBehind:FlushInterval"] = "01:00:00" });
        using var anonymous = app.ClientFor(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.True(proxy.Refused > 0, "The service never tried to reach MongoDB.");

        proxy.StartForwarding();
        await UntilAsync(async () => (await anonymous.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60));

        var course = await app.CreateCourseAsync(600);
        var user = Unique.Id("u");
        using var learner = app.Learner(user);
        (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 42 })).EnsureSuccessStatusCode();
        await app.FlushAsync();
        Assert.Equal(42, (await app.Record.ReadProgressAsync(user, course))["l1"].Position);
        (await learner.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = course, lectureId = "l1" })).EnsureSuccessStatusCode();
        // The recurring jobs and the job server waited for the migration and came with it.
        var storage = app.Services.GetRequiredService<JobStorage>();
        await UntilAsync(() =>
        {
            using var jobs = storage.GetConnection();
            return Task.FromResult(jobs.GetRecurringJobs().Any(j => j.Id == FlushJob.RecurringJobId));
        }, TimeSpan.FromSeconds(20));
        await UntilAsync(() => Task.FromResult(storage.GetMonitoringApi().Servers().Count > 0), TimeSpan.FromSeconds(20));
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 }, "A 503 must say when to retry.");
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            Assert.True(Stopwatch.GetElapsedTime(started) < limit, $"Not so within {limit}.");
            await Task.Delay(200);
        }
    }
}
