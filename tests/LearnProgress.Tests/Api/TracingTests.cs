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

    /// <summary>
    /// docs/traces.json is a real trace of a ping and of a flush, as the in-memory exporter caught them; this test
    /// makes both again and fails when their span trees (names, kinds, sources, parents, attribute names) differ from
    /// the committed ones. UPDATE_DOCS=1 rewrites the file.
    /// </summary>
    [Fact]
    public async Task The_traces_in_the_docs_are_the_ones_a_ping_and_a_flush_make()
    {
        // Four buckets, so the flush's trace stays readable.
        var spans = new SpanList();
        await using var app = new LearnProgressApp(settings: new()
        {
            ["Tracing:Enabled"] = "true", ["Tracing:PingSampleRatio"] = "1", ["WriteBehind:Buckets"] = "4",
        });
        await using var traced = app.WithWebHostBuilder(b => b.ConfigureServices(s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans))));
        var course = await app.CreateCourseAsync(600);
        using var learner = traced.CreateClient();
        learner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Timeless(Unique.Id("u")));
        (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 5 })).EnsureSuccessStatusCode();
        async Task<Activity> Span(Func<Activity, bool> match)
        {
            for (var i = 0; i < 300 && !spans.Snapshot().Any(match); i++) await Task.Delay(50);
            return spans.Snapshot().First(match);
        }
        var ping = await Span(s => Server(s, "POST", "/api/v1/progress/save"));
        await Span(s => s.ParentSpanId == ping.SpanId);
        using var admin = traced.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Timeless("admin-1", "admin"));
        (await admin.PostAsync("/api/v1/admin/flush", null)).EnsureSuccessStatusCode();
        var flush = await Span(s => Server(s, "POST", "/api/v1/admin/flush"));
        await Span(s => s.OperationName == ProgressTracing.StoreWrite && s.TraceId == flush.TraceId);
        await Task.Delay(500);   // the rest of the flush's spans end

        var traces = new System.Text.Json.Nodes.JsonObject
        {
            ["ping"] = TraceJson(spans, ping.TraceId),
            ["flush"] = TraceJson(spans, flush.TraceId),
        };
        var path = Path.Combine(Repository.Root, "docs", "traces.json");
        var options = new System.Text.Json.JsonSerializerOptions { WriteIndented = true };
        if (Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, traces.ToJsonString(options) + "\n");
        }
        var committed = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        foreach (var name in new[] { "ping", "flush" })
            Assert.True(Shape(committed[name]!.AsArray()) == Shape(traces[name]!.AsArray()),
                $"docs/traces.json's {name} trace is not the one the service makes now: run this test with UPDATE_DOCS=1 and commit the file.\n" +
                $"committed: {Shape(committed[name]!.AsArray())}\nnow:       {Shape(traces[name]!.AsArray())}");
    }

    private static System.Text.Json.Nodes.JsonArray TraceJson(SpanList spans, ActivityTraceId trace)
    {
        var json = new System.Text.Json.Nodes.JsonArray();
        foreach (var span in spans.Snapshot().Where(s => s.TraceId == trace).OrderBy(s => s.StartTimeUtc))
        {
            var attributes = new System.Text.Json.Nodes.JsonObject();
            foreach (var (key, value) in span.TagObjects.OrderBy(t => t.Key, StringComparer.Ordinal))
                attributes[key] = value switch
                {
                    int i => i, long l => l, double d => d, bool b => b,
                    _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                };
            json.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["name"] = span.DisplayName,
                ["kind"] = span.Kind.ToString(),
                ["source"] = span.Source.Name,
                ["traceId"] = span.TraceId.ToHexString(),
                ["spanId"] = span.SpanId.ToHexString(),
                ["parentSpanId"] = span.ParentSpanId == default ? null : span.ParentSpanId.ToHexString(),
                ["start"] = span.StartTimeUtc.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["durationMicroseconds"] = (long)(span.Duration.TotalMicroseconds),
                ["attributes"] = attributes,
            });
        }
        return json;
    }

    /// <summary>A trace as a tree of its spans' names, kinds, sources and attribute names, children in name order;
    /// repeated siblings (one Redis command per bucket) count once.</summary>
    private static string Shape(System.Text.Json.Nodes.JsonArray spans)
    {
        var nodes = spans.Select(s => s!.AsObject()).ToList();
        string Node(System.Text.Json.Nodes.JsonObject span)
        {
            var id = (string)span["spanId"]!;
            var children = nodes.Where(c => (string?)c["parentSpanId"] == id).Select(Node).Distinct().Order(StringComparer.Ordinal);
            var attributes = string.Join(",", span["attributes"]!.AsObject().Select(a => a.Key).Where(k => !k.StartsWith("db.", StringComparison.Ordinal)));
            return $"{span["source"]}/{span["kind"]}/{(span["source"]!.ToString().Contains("Redis", StringComparison.Ordinal) ? "redis" : span["name"])}[{attributes}]({string.Join(" ", children)})";
        }
        var ids = nodes.Select(n => (string)n["spanId"]!).ToHashSet();
        return string.Join(" ", nodes.Where(n => n["parentSpanId"] is null || !ids.Contains((string)n["parentSpanId"]!)).Select(Node));
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
