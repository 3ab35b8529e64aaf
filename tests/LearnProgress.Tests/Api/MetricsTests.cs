using System.Globalization;
using System.Net.Http.Json;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Api;

public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_are_exported_for_prometheus_anonymously()
    {
        await using var app = new LearnProgressApp();
        var course = await app.CreateCourseAsync(600);
        using var learner = app.Learner(Unique.Id("u"));
        (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 10 })).EnsureSuccessStatusCode();
        (await learner.PostAsJsonAsync("/api/v1/progress/batch", new { pings = new object[]
        {
            new { courseId = course, lectureId = "l1", watchTime = 20 },
            new { courseId = course, lectureId = "l1", watchTime = 601 },
        } })).EnsureSuccessStatusCode();
        Assert.Equal(2, await app.FlushAsync());   // the course's progress and the learner's played days

        using var anonymous = app.ClientFor(null);
        var text = await anonymous.GetStringAsync("/metrics");

        Assert.True(Value(text, "learnprogress_pings_accepted_total") >= 2, text);
        Assert.True(Value(text, "learnprogress_pings_rejected_total") >= 1, text);
        Assert.True(Value(text, "learnprogress_ping_duration_seconds_count") >= 2, text);
        Assert.True(Value(text, "learnprogress_flush_runs_total") >= 1, text);
        Assert.True(Value(text, "learnprogress_flush_keys_total") >= 1, text);
        Assert.True(Value(text, "learnprogress_flush_duration_seconds_count") >= 1, text);
        Assert.True(Value(text, "learnprogress_store_writes_total") >= 1, text);
        Assert.True(Value(text, "learnprogress_buffer_backlog") >= 0, text);
        Assert.True(Value(text, "learnprogress_buffer_oldest_change_age_seconds") >= 0, text);
    }

    /// <summary>The sum over all series of a metric (labels ignored).</summary>
    private static double Value(string exposition, string metric)
    {
        var lines = exposition.Split('\n')
            .Where(l => l.StartsWith(metric + " ", StringComparison.Ordinal) || l.StartsWith(metric + "{", StringComparison.Ordinal))
            .ToList();
        Assert.True(lines.Count > 0, $"{metric} is missing from /metrics");
        // name{labels} value [timestamp]
        return lines.Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Replace(metric, "").Split(' ', StringSplitOptions.RemoveEmptyEntries)[0],
            CultureInfo.InvariantCulture));
    }
}
