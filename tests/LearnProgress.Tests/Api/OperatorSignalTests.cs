using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace LearnProgress.Tests.Api;

/// <summary>Probes are never refused; refusals are counted; failing flushes show in readiness and metrics.</summary>
[Collection(Serial.Name)]
public sealed class OperatorSignalTests
{
    [Fact]
    public async Task Health_and_metrics_endpoints_are_never_rate_limited_and_refusals_are_counted()
    {
        await using var app = new LearnProgressApp(settings: new() { ["RateLimiting:AnonymousPerMinute"] = "2" });
        using var anonymous = app.ClientFor(null);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
            answers.Add((await anonymous.GetAsync("/api/v1/stats/student")).StatusCode);
        // Two within the anonymous budget (no token: 401), then refused; probes and scrapes are not.
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 2), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 8)], answers);
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        }
        var metrics = await anonymous.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);

        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Equal(2, Value(text, "learnprogress_requests_refused_total", "status=\"401\""));
        Assert.Equal(8, Value(text, "learnprogress_requests_refused_total", "status=\"429\""));
    }

    [Fact]
    public async Task A_store_that_cannot_take_writes_makes_readiness_degraded_and_shows_in_metrics_until_a_flush_succeeds()
    {
        await using var app = new LearnProgressApp();
        var course = await app.CreateCourseAsync(600);
        var user = Unique.Id("u");
        using var learner = app.Learner(user);
        using var admin = app.Admin();
        using var anonymous = app.ClientFor(null);
        (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 42 })).EnsureSuccessStatusCode();
        await using var sqlite = new SqliteConnection($"Data Source={Path.Combine(app.DataDirectory, "learnprogress.db")}");
        await sqlite.OpenAsync();
        // Another writer holds the file's write lock: the store cannot take the flush (a learner whose rows the
        // store refuses is held back alone instead, see StoreFaultTests).
        var locked = sqlite.BeginTransaction(deferred: false);

        var failed = await admin.PostAsync("/api/v1/admin/flush", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        var ready = await anonymous.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);   // pings are still taken and kept
        var report = await ready.JsonAsync();
        Assert.Equal("Degraded", report.GetProperty("status").GetString());
        Assert.Equal("Degraded", report.GetProperty("checks").GetProperty("flush").GetProperty("status").GetString());
        Assert.Equal(1, Value(await anonymous.GetStringAsync("/metrics"), "learnprogress_flush_consecutive_failures"));
        Assert.Equal(42, (await (await learner.GetAsync($"/api/v1/progress/{course}")).JsonAsync())
            .GetProperty("watchTimes").GetProperty("l1").GetDouble());

        await locked.RollbackAsync();
        await locked.DisposeAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/v1/admin/flush", null)).StatusCode);

        Assert.Equal("Healthy", (await (await anonymous.GetAsync("/health/ready")).JsonAsync()).GetProperty("status").GetString());
        await Task.Delay(ScrapeCache);
        Assert.Equal(0, Value(await anonymous.GetStringAsync("/metrics"), "learnprogress_flush_consecutive_failures"));
        Assert.Equal(42, (await app.Record.ReadProgressAsync(user, course))["l1"].Position);
    }

    /// <summary>The exporter answers scrapes within this time of each other from its cache.</summary>
    internal static readonly TimeSpan ScrapeCache = TimeSpan.FromMilliseconds(400);

    /// <summary>The sum of a metric's series whose labels contain <paramref name="label"/>.</summary>
    internal static double Value(string exposition, string metric, string? label = null)
    {
        var lines = exposition.Split('\n')
            .Where(l => l.StartsWith(metric + " ", StringComparison.Ordinal) || l.StartsWith(metric + "{", StringComparison.Ordinal))
            .Where(l => label is null || l.Contains(label, StringComparison.Ordinal))
            .ToList();
        Assert.True(lines.Count > 0, $"{metric} {label} is missing from /metrics");
        return lines.Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Replace(metric, "").Split(' ', StringSplitOptions.RemoveEmptyEntries)[0],
            CultureInfo.InvariantCulture));
    }
}
