using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using LearnProgress.Core.Telemetry;
using LearnProgress.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace LearnProgress.Tests.Api;

/// <summary>Spans of a ping, a flush and a webhook delivery, caught by the SDK's in-memory exporter, with their parents.</summary>
public sealed class TracingTests : IAsyncLifetime
{
    private static readonly string[] LectureCompleted = ["lecture.completed"];
    private readonly SpanList _spans = new();
    private LearnProgressApp _app = null!;
    private WebApplicationFactory<Program> _traced = null!;
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync()
    {
        _app = new LearnProgressApp(settings: new()
        {
            ["Tracing:Enabled"] = "true",
            ["Tracing:PingSampleRatio"] = "1",
            ["Webhooks:AllowPrivateNetworks"] = "true",
        });
        _traced = _app.WithWebHostBuilder(b => b.ConfigureServices(s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_spans))));
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _traced.DisposeAsync();
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private HttpClient Client(string token)
    {
        var client = _traced.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<Activity> SpanAsync(Func<Activity, bool> match, string what)
    {
        for (var i = 0; i < 300; i++)
        {
            if (_spans.Snapshot().FirstOrDefault(match) is { } found) return found;
            await Task.Delay(50);
        }
        Assert.Fail($"no span {what} among {string.Join(", ", _spans.Snapshot().Select(s => $"{s.Source.Name}/{s.DisplayName}"))}");
        return null!;
    }

    private static bool Server(Activity span, string method, string route) =>
        span.Kind == ActivityKind.Server && Equals(span.GetTagItem("http.request.method"), method) && Equals(span.GetTagItem("http.route"), route);

    private async Task<string> CourseAsync()
    {
        var course = Unique.Id("c");
        using var admin = Client(TestTokens.Timeless("admin-1", "admin"));
        (await admin.PostAsJsonAsync("/api/v1/courses", new { id = course, title = "Traced" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/lectures/l1", new { title = "One", durationSeconds = 600 })).EnsureSuccessStatusCode();
        return course;
    }

    [Fact]
    public async Task A_ping_is_a_server_span_with_its_redis_call_under_it()
    {
        var course = await CourseAsync();
        using var learner = Client(TestTokens.Timeless(Unique.Id("u")));

        Assert.Equal(HttpStatusCode.OK, (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 5 })).StatusCode);

        var request = await SpanAsync(s => Server(s, "POST", "/api/v1/progress/save"), "for the ping");
        var redis = await SpanAsync(s => s.ParentSpanId == request.SpanId && s.Source.Name.Contains("Redis", StringComparison.Ordinal), "of Redis under the ping");
        Assert.Equal(request.TraceId, redis.TraceId);
        Assert.Equal(ActivityKind.Client, redis.Kind);
    }

    [Fact]
    public async Task A_flush_is_a_span_with_a_span_per_bucket_and_the_store_write_under_each()
    {
        var course = await CourseAsync();
        using var learner = Client(TestTokens.Timeless(Unique.Id("u")));
        (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 5 })).EnsureSuccessStatusCode();
        using var admin = Client(TestTokens.Timeless("admin-1", "admin"));

        (await admin.PostAsync("/api/v1/admin/flush", null)).EnsureSuccessStatusCode();

        var request = await SpanAsync(s => Server(s, "POST", "/api/v1/admin/flush"), "for the flush request");
        var flush = await SpanAsync(s => s.OperationName == ProgressTracing.Flush && s.ParentSpanId == request.SpanId, "of the flush");
        var write = await SpanAsync(s => s.OperationName == ProgressTracing.StoreWrite && s.TraceId == flush.TraceId, "of the store write");
        var bucket = _spans.Snapshot().Single(s => s.SpanId == write.ParentSpanId);
        Assert.Equal(ProgressTracing.FlushBucket, bucket.OperationName);
        Assert.Equal(flush.SpanId, bucket.ParentSpanId);
        Assert.Equal(2, bucket.GetTagItem("learnprogress.flush.keys"));   // the course's progress and the learner's day
        Assert.True((int)flush.GetTagItem("learnprogress.flush.keys")! >= 2);
    }

    [Fact]
    public async Task A_webhook_delivery_is_a_span_with_its_http_call_under_it()
    {
        var course = await CourseAsync();
        using var admin = Client(TestTokens.Timeless("admin-1", "admin"));
        (await admin.PostAsJsonAsync("/api/v1/admin/webhooks", new { url = _receiver.Url, eventTypes = LectureCompleted })).EnsureSuccessStatusCode();
        using var learner = Client(TestTokens.Timeless(Unique.Id("u")));

        (await learner.PostAsJsonAsync("/api/v1/progress/complete", new { courseId = course, lectureId = "l1" })).EnsureSuccessStatusCode();
        await _receiver.WaitForAsync(1);

        var delivery = await SpanAsync(s => s.OperationName == ProgressTracing.WebhookDelivery, "of the delivery");
        Assert.Equal("lecture.completed", delivery.GetTagItem("learnprogress.event.type"));
        var post = await SpanAsync(s => s.ParentSpanId == delivery.SpanId && s.Kind == ActivityKind.Client, "of the POST under the delivery");
        Assert.Equal("POST", post.GetTagItem("http.request.method"));
        Assert.Equal(200, post.GetTagItem("http.response.status_code"));
    }

    [Fact]
    public async Task Pings_are_traced_at_their_sample_ratio_and_other_requests_whole()
    {
        var spans = new SpanList();
        await using var app = new LearnProgressApp(settings: new() { ["Tracing:Enabled"] = "true", ["Tracing:PingSampleRatio"] = "0" });
        await using var traced = app.WithWebHostBuilder(b => b.ConfigureServices(s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans))));
        var course = await app.CreateCourseAsync(600);
        using var learner = traced.CreateClient();
        learner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Timeless(Unique.Id("u")));

        for (var i = 1; i <= 20; i++)
            (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = i })).EnsureSuccessStatusCode();
        (await learner.GetAsync($"/api/v1/progress/{course}")).EnsureSuccessStatusCode();

        for (var i = 0; i < 100 && !spans.Snapshot().Any(s => Server(s, "GET", "/api/v1/progress/{courseId}")); i++) await Task.Delay(50);
        Assert.Contains(spans.Snapshot(), s => Server(s, "GET", "/api/v1/progress/{courseId}"));
        Assert.DoesNotContain(spans.Snapshot(), s => Server(s, "POST", "/api/v1/progress/save"));
    }

    [Fact]
    public async Task Without_a_collector_nothing_is_traced()
    {
        await using var plain = new LearnProgressApp();
        Assert.Null(plain.Services.GetService<TracerProvider>());
        Assert.NotNull(_traced.Services.GetService<TracerProvider>());
    }
}

/// <summary>The exporter adds spans from its own threads while a test reads them.</summary>
internal sealed class SpanList : System.Collections.ObjectModel.Collection<Activity>
{
    public List<Activity> Snapshot()
    {
        lock (Items) return [.. Items];
    }

    protected override void InsertItem(int index, Activity item)
    {
        lock (Items) base.InsertItem(index, item);
    }

    protected override void ClearItems()
    {
        lock (Items) base.ClearItems();
    }
}
