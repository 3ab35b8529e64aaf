using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnProgress.Api.Reports;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.Events;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LearnProgress.Tests.Api;

/// <summary>The recurring job that raises <c>report.weekly</c>, read back through the events feed, in each storage mode.</summary>
public abstract class WeeklyReportJobContract(AppMode mode) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.Zero));
    private LearnProgressApp _app = null!;
    private readonly string _paris = Unique.Id("paris");
    private readonly string _newYork = Unique.Id("ny");
    private readonly string _idle = Unique.Id("idle");

    public async ValueTask InitializeAsync() => _app = (await mode.CreateAsync(_clock, new Dictionary<string, string?>
    {
        ["Webhooks:AllowPrivateNetworks"] = "true",
        ["Webhooks:PollInterval"] = "00:10:00",
    }))!;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await mode.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private Task<int> RunJobAsync() => _app.Services.GetRequiredService<WeeklyReportJob>().RunAsync(CancellationToken.None);

    private async Task<List<JsonElement>> ReportEventsAsync()
    {
        using var integration = _app.ClientFor(TestTokens.Timeless("system-1", "integration"));
        var events = new List<JsonElement>();
        var after = "0";
        while (true)
        {
            var page = await (await integration.GetAsync($"/api/v1/events?after={after}&limit=50")).JsonAsync();
            var items = page.GetProperty("events").EnumerateArray().ToList();
            if (items.Count == 0) return events.Where(e => e.GetProperty("type").GetString() == EventTypes.ReportWeekly).ToList();
            events.AddRange(items);
            after = page.GetProperty("next").GetString()!;
        }
    }

    [Fact]
    public async Task Each_active_learner_gets_one_report_after_their_week_ends_in_their_zone_and_a_rerun_adds_none()
    {
        mode.Require();
        var course = await _app.CreateCourseAsync(600, 600);
        foreach (var (user, zone, seconds) in new[] { (_paris, "Europe/Paris", 300), (_newYork, "America/New_York", 300), (_idle, "Europe/Paris", 30) })
        {
            using var learner = _app.Learner(user);
            (await learner.PutAsJsonAsync("/api/v1/me/settings", new { timeZone = zone })).EnsureSuccessStatusCode();
            await learner.WatchAsync(Now, course, "l1", 0, seconds);
        }
        await _app.FlushAsync();

        _clock.SetUtcNow(new DateTimeOffset(2026, 3, 8, 22, 30, 0, TimeSpan.Zero));   // Sunday 23:30 in Paris
        Assert.Equal(0, await RunJobAsync());
        _clock.SetUtcNow(new DateTimeOffset(2026, 3, 8, 23, 30, 0, TimeSpan.Zero));   // Monday 00:30 in Paris, Sunday 19:30 in New York
        Assert.Equal(1, await RunJobAsync());
        Assert.Equal(0, await RunJobAsync());
        _clock.SetUtcNow(new DateTimeOffset(2026, 3, 9, 5, 30, 0, TimeSpan.Zero));    // Monday 00:30 in New York
        Assert.Equal(1, await RunJobAsync());
        Assert.Equal(0, await RunJobAsync());

        var events = await ReportEventsAsync();
        Assert.Equal([_paris, _newYork], events.Select(e => e.GetProperty("data").GetProperty("userId").GetString()));
        var week = new DateOnly(2026, 3, 2);
        Assert.Equal([WeeklyReports.EventId(_paris, week).ToString(), WeeklyReports.EventId(_newYork, week).ToString()],
            events.Select(e => e.GetProperty("id").GetString()));
        Assert.Equal("2026-03-08T23:30:00.000Z", events[0].GetProperty("timestamp").GetString());
        var data = events[0].GetProperty("data");
        Assert.Equal("2026-03-02", data.GetProperty("week").GetString());
        using var paris = _app.Learner(_paris);
        var report = await (await paris.GetAsync("/api/v1/me/reports/weekly?week=2026-03-02")).JsonAsync();
        Assert.Equal(report.GetProperty("summary").GetRawText(), data.GetProperty("report").GetProperty("summary").GetRawText());
        Assert.Equal(report.GetProperty("chart").GetRawText(), data.GetProperty("report").GetProperty("chart").GetRawText());
        Assert.Equal(5, data.GetProperty("report").GetProperty("summary").GetProperty("minutes").GetDouble());

        // The report is the learner's: erasing the learner takes it out of the feed, and the job does not raise it again.
        Assert.Equal(HttpStatusCode.NoContent, (await paris.DeleteAsync("/api/v1/me")).StatusCode);
        Assert.Equal(0, await RunJobAsync());
        Assert.Equal([_newYork], (await ReportEventsAsync()).Select(e => e.GetProperty("data").GetProperty("userId").GetString()));
    }

    private static readonly string[] WeeklyOnly = ["report.weekly"];
    private static readonly string[] Unknown = ["report.monthly"];

    [Fact]
    public async Task Webhook_endpoints_can_subscribe_to_weekly_reports()
    {
        mode.Require();
        using var admin = _app.ClientFor(TestTokens.Timeless("admin-1", "admin"));

        var created = await admin.PostAsJsonAsync("/api/v1/admin/webhooks", new { url = "http://127.0.0.1:9/hook", eventTypes = WeeklyOnly });
        var refused = await admin.PostAsJsonAsync("/api/v1/admin/webhooks", new { url = "http://127.0.0.1:9/hook", eventTypes = Unknown });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(["report.weekly"], (await created.JsonAsync()).GetProperty("eventTypes").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["eventTypes"], (await refused.AssertProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Select(f => f.Split('[')[0]).Distinct());
    }
}

public sealed class WeeklyReportJobTests() : WeeklyReportJobContract(new EmbeddedMode());

/// <summary>Production mode: redis-server and MongoDB (skipped with the reason when no MongoDB answers).</summary>
public sealed class MongoWeeklyReportJobTests(MongoServer mongo) : WeeklyReportJobContract(new MongoMode(mongo));
