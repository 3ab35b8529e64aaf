using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LearnProgress.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace LearnProgress.Tests.Api;

/// <summary>Real SignalR clients against the hub of the in-process service, over WebSockets with the token in the query.</summary>
public sealed class ProgressHubTests : IAsyncLifetime
{
    private const string AllowedOrigin = "https://player.example.com";
    private readonly LearnProgressApp _app = new(settings: new() { ["Cors:AllowedOrigins:0"] = AllowedOrigin });
    private readonly List<HubConnection> _connections = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections) await connection.DisposeAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Messages one connection received, by method.</summary>
    public sealed class Inbox
    {
        public ConcurrentQueue<(string Method, JsonElement Body)> Messages { get; } = new();

        public async Task<JsonElement> WaitForAsync(string method, Func<JsonElement, bool>? match = null)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline)
            {
                var found = Messages.Where(m => m.Method == method && (match?.Invoke(m.Body) ?? true)).Select(m => (JsonElement?)m.Body).FirstOrDefault();
                if (found is { } body) return body;
                await Task.Delay(20);
            }
            throw new TimeoutException($"No {method} within 10 s; got {string.Join(", ", Messages.Select(m => m.Method))}.");
        }
    }

    public static async Task<(HubConnection Connection, Inbox Inbox)> ConnectAsync(LearnProgressApp app, string token, List<HubConnection> owned)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, "/hubs/progress"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                // As a browser does it: WebSockets carry no Authorization header, so the token goes in the query.
                o.WebSocketFactory = async (context, ct) =>
                {
                    var client = app.Server.CreateWebSocketClient();
                    var uri = new UriBuilder(context.Uri);
                    uri.Query = (uri.Query.Length > 1 ? uri.Query[1..] + "&" : "") + "access_token=" + Uri.EscapeDataString(token);
                    return await client.ConnectAsync(uri.Uri, ct);
                };
            })
            .Build();
        var inbox = new Inbox();
        foreach (var method in new[] { "progressUpdated", "lectureCompleted", "achievementAwarded" })
            connection.On<JsonElement>(method, body => inbox.Messages.Enqueue((method, body)));
        owned.Add(connection);
        await connection.StartAsync();
        return (connection, inbox);
    }

    [Fact]
    public async Task Both_connections_of_a_learner_get_the_push_and_another_learners_nothing()
    {
        var user = Unique.Id("u");
        var course = await _app.CreateCourseAsync(600);
        var (_, tab1) = await ConnectAsync(_app, TestTokens.Timeless(user), _connections);
        var (_, tab2) = await ConnectAsync(_app, TestTokens.Timeless(user), _connections);
        var (_, stranger) = await ConnectAsync(_app, TestTokens.Timeless(Unique.Id("u")), _connections);
        using var learner = _app.Learner(user);

        (await learner.PostAsJsonAsync("/api/v1/progress/save",
            new { courseId = course, lectureId = "l1", watchTime = 42, segmentStart = 37, sessionId = "tab-1" })).EnsureSuccessStatusCode();

        foreach (var inbox in new[] { tab1, tab2 })
        {
            var pushed = await inbox.WaitForAsync("progressUpdated");
            Assert.Equal((course, "l1", 42.0, 42.0, "tab-1"), (pushed.GetProperty("courseId").GetString(), pushed.GetProperty("lectureId").GetString(),
                pushed.GetProperty("position").GetDouble(), pushed.GetProperty("furthest").GetDouble(), pushed.GetProperty("originSessionId").GetString()));
            Assert.False(pushed.GetProperty("completed").GetBoolean());
            Assert.True(pushed.GetProperty("updatedAt").GetInt64() > 0);
            Assert.True(pushed.GetProperty("coverage").GetDouble() > 0);
        }
        (await learner.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = course, lectureId = "l1" })).EnsureSuccessStatusCode();
        var completed = await tab2.WaitForAsync("lectureCompleted");
        Assert.Equal("l1", completed.GetProperty("lectureId").GetString());
        await tab1.WaitForAsync("achievementAwarded", b => b.GetProperty("achievementId").GetString() == "first-lecture");
        await Task.Delay(300);
        Assert.Empty(stranger.Messages);
    }

    [Fact]
    public async Task No_token_a_bad_token_or_a_foreign_origin_is_refused()
    {
        using var anonymous = _app.ClientFor(null);
        using var learner = _app.Learner(Unique.Id("u"));

        var noToken = await anonymous.PostAsync("/hubs/progress/negotiate?negotiateVersion=1", null);
        var badToken = await _app.ClientFor(TestTokens.Create("u1", key: "another-signing-key-0123456789abcdef-xyz"))
            .PostAsync("/hubs/progress/negotiate?negotiateVersion=1", null);
        var foreign = await Negotiate(learner, "https://evil.example.net");
        var allowed = await Negotiate(learner, AllowedOrigin);
        var sameOrigin = await Negotiate(learner, _app.Server.BaseAddress.GetLeftPart(UriPartial.Authority));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(_app, "not-a-token", _connections));

        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, badToken.StatusCode);
        await foreign.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sameOrigin.StatusCode);
        Assert.Contains("401", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_query_token_counts_on_the_hub_path_only()
    {
        using var anonymous = _app.ClientFor(null);
        var token = TestTokens.Timeless(Unique.Id("u"));

        var onApi = await anonymous.GetAsync($"/api/v1/stats/student?access_token={token}");

        Assert.Equal(HttpStatusCode.Unauthorized, onApi.StatusCode);
    }

    [Fact]
    public async Task An_expired_token_closes_the_connection()
    {
        var (connection, _) = await ConnectAsync(_app, TestTokens.Create(Unique.Id("u"), lifetime: TimeSpan.FromSeconds(3)), _connections);
        var closed = new TaskCompletionSource();
        connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    private static async Task<HttpResponseMessage> Negotiate(HttpClient client, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/progress/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", origin);
        return await client.SendAsync(request);
    }
}

/// <summary>Production mode: two API instances on one redis-server share pushes through the backplane.</summary>
public sealed class ProgressHubBackplaneTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private readonly List<HubConnection> _connections = [];
    private LearnProgressApp _a = null!;
    private LearnProgressApp _b = null!;

    public async ValueTask InitializeAsync()
    {
        await _redis.InitializeAsync();
        _a = new LearnProgressApp(redis: _redis.ConnectionString);
        _b = new LearnProgressApp(redis: _redis.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections) await connection.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_ping_on_one_instance_reaches_the_learners_connection_on_the_other()
    {
        _redis.Require();
        var user = Unique.Id("u");
        var course = Unique.Id("c");
        foreach (var app in new[] { _a, _b })
        {
            using var admin = app.Admin();
            (await admin.PostAsJsonAsync("/api/v1/courses", new { id = course, title = "Shared" })).EnsureSuccessStatusCode();
            (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/lectures/l1", new { title = "One", durationSeconds = 600 })).EnsureSuccessStatusCode();
        }
        var (_, onB) = await ProgressHubTests.ConnectAsync(_b, TestTokens.Timeless(user), _connections);
        var (_, strangerOnB) = await ProgressHubTests.ConnectAsync(_b, TestTokens.Timeless(Unique.Id("u")), _connections);
        using var learnerOnA = _a.Learner(user);

        // Instance A learns of the connection on B through the presence announcement, a moment after it opened; the
        // player pings on regardless, as it does every few seconds.
        for (var i = 0; i < 50 && onB.Messages.IsEmpty; i++)
        {
            (await learnerOnA.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 77, sessionId = "phone" }))
                .EnsureSuccessStatusCode();
            await Task.Delay(200);
        }

        var pushed = await onB.WaitForAsync("progressUpdated");
        Assert.Equal((77.0, "phone"), (pushed.GetProperty("position").GetDouble(), pushed.GetProperty("originSessionId").GetString()));
        Assert.Empty(strangerOnB.Messages);
    }
}
