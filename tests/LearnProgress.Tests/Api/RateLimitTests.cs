using System.Net;
using System.Text.Json;
using LearnProgress.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace LearnProgress.Tests.Api;

/// <summary>Floods are absorbed per caller: a flooding learner or address gets 429s, everyone else carries on.</summary>
public sealed class RateLimitTests(RateLimitTests.SmallLimits fixture) : IClassFixture<RateLimitTests.SmallLimits>
{
    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>One app with small limits; each test floods as its own learners and client addresses.</summary>
    public sealed class SmallLimits : IAsyncLifetime
    {
        public LearnProgressApp App { get; } = new(settings: new()
        {
            ["RateLimiting:PingBurst"] = "5",
            ["RateLimiting:PingTokensPerSecond"] = "1",
            ["RateLimiting:AnonymousPerMinute"] = "3",
        });

        public ValueTask InitializeAsync() => ValueTask.CompletedTask;
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        await response.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
    }

    [Fact]
    public async Task A_flooding_learner_gets_429s_while_another_learners_pings_keep_200()
    {
        var app = fixture.App;
        var course = await app.CreateCourseAsync(600);
        var flooder = Unique.Id("flooder");
        var other = Unique.Id("other");
        using var flooding = app.Learner(flooder);
        using var calm = app.Learner(other);
        var start = Now - 60_000;
        var lastAccepted = -1;
        var refused = 0;

        for (var i = 0; i < 30; i++)
        {
            var response = await flooding.PostJsonAsync("/api/v1/progress/save",
                $$"""{"courseId":"{{course}}","lectureId":"l1","watchTime":{{i}},"clientTs":{{start + i}}}""");
            if (response.StatusCode == HttpStatusCode.OK) lastAccepted = i;
            else
            {
                await AssertTooManyAsync(response);
                refused++;
            }
            if (i % 6 == 5)
                Assert.Equal(HttpStatusCode.OK, (await calm.PostJsonAsync("/api/v1/progress/save",
                    $$"""{"courseId":"{{course}}","lectureId":"l1","watchTime":{{i}}}""")).StatusCode);
        }

        Assert.True(refused > 0 && lastAccepted >= 4, $"{refused} refused, last accepted {lastAccepted}");
        // A refused ping wrote nothing: the buffer holds the last accepted one.
        Assert.Equal(lastAccepted, (await app.Buffer.ReadAsync(flooder, course))["l1"].Position);
        Assert.Equal(29, (await app.Buffer.ReadAsync(other, course))["l1"].Position);
    }

    [Fact]
    public async Task Batches_draw_on_the_same_bucket()
    {
        var app = fixture.App;
        var course = await app.CreateCourseAsync(600);
        using var learner = app.Learner(Unique.Id("u"));
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i < 30; i++)
        {
            var response = await learner.PostJsonAsync("/api/v1/progress/batch", $$"""{"pings":[{"courseId":"{{course}}","lectureId":"l1","watchTime":{{i}}}]}""");
            statuses.Add(response.StatusCode);
            if (response.StatusCode != HttpStatusCode.OK) await AssertTooManyAsync(response);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        // Reads are not pings and stay open.
        Assert.Equal(HttpStatusCode.OK, (await learner.GetAsync($"/api/v1/progress/{course}")).StatusCode);
    }

    [Fact]
    public async Task Requests_without_a_valid_token_are_limited_per_client_address()
    {
        var app = fixture.App;
        var flooding = IPAddress.Parse("198.51.100.7");

        var answers = new List<int>();
        for (var i = 0; i < 5; i++) answers.Add((await SendFromAsync(app, flooding, "/api/v1/stats/student")).StatusCode);
        Assert.Equal([401, 401, 401, 429, 429], answers);

        var refused = await SendFromAsync(app, flooding, "/api/v1/stats/student");
        var problem = JsonDocument.Parse(await new StreamReader(refused.Body).ReadToEndAsync()).RootElement;
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.InRange(int.Parse(refused.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        // A bad token is no token: the same address is still refused.
        Assert.Equal(429, (await SendFromAsync(app, flooding, "/api/v1/progress/x", "Bearer not-a-jwt")).StatusCode);
        // A learner's token from that address, and anyone from another address, carry on.
        Assert.Equal(200, (await SendFromAsync(app, flooding, "/api/v1/stats/student", "Bearer " + TestTokens.Learner(Unique.Id("u")))).StatusCode);
        // Probes are never limited, even from the flooding address.
        Assert.Equal(200, (await SendFromAsync(app, flooding, "/health/live")).StatusCode);
        Assert.Equal(200, (await SendFromAsync(app, flooding, "/health/ready")).StatusCode);
        Assert.Equal(401, (await SendFromAsync(app, IPAddress.Parse("203.0.113.9"), "/api/v1/progress/x")).StatusCode);
    }

    [Fact]
    public async Task The_defaults_let_a_player_replay_an_offline_queue_and_stop_a_flood()
    {
        await using var app = new LearnProgressApp(settings: new()
        {
            ["RateLimiting:PingBurst"] = null,
            ["RateLimiting:PingTokensPerSecond"] = null,
            ["RateLimiting:AnonymousPerMinute"] = null,
        });
        var course = await app.CreateCourseAsync(600);
        using var player = app.Learner(Unique.Id("u"));
        var start = Now - 3_600_000;

        // Back online: three full batches of queued pings, then live pings.
        for (var b = 0; b < 3; b++)
        {
            var pings = string.Join(",", Enumerable.Range(0, 100).Select(i =>
                $$"""{"courseId":"{{course}}","lectureId":"l1","watchTime":{{b * 100 + i}},"clientTs":{{start + (b * 100 + i) * 5000}}}"""));
            Assert.Equal(HttpStatusCode.OK, (await player.PostJsonAsync("/api/v1/progress/batch", $$"""{"pings":[{{pings}}]}""")).StatusCode);
        }
        for (var i = 0; i < 20; i++)
            Assert.Equal(HttpStatusCode.OK, (await player.PostJsonAsync("/api/v1/progress/save",
                $$"""{"courseId":"{{course}}","lectureId":"l1","watchTime":{{300 + i}}}""")).StatusCode);

        var flood = new List<HttpStatusCode>();
        for (var i = 0; i < 100; i++)
            flood.Add((await player.PostJsonAsync("/api/v1/progress/save", $$"""{"courseId":"{{course}}","lectureId":"l1","watchTime":1}""")).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, flood);
    }

    /// <summary>A GET from the given client address, which an HttpClient of the test server cannot set.</summary>
    private static async Task<HttpResponse> SendFromAsync(LearnProgressApp app, IPAddress address, string path, string? authorization = null) =>
        (await app.Server.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.Path = path;
            context.Connection.RemoteIpAddress = address;
            if (authorization is not null) context.Request.Headers.Authorization = authorization;
        })).Response;
}
