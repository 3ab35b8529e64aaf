using System.Net.Http.Json;
using System.Text.RegularExpressions;
using LearnProgress.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace LearnProgress.Tests.Api;

/// <summary>The shipped Prometheus rules parse, and every metric they name is one /metrics exports.</summary>
public sealed partial class AlertRulesTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    // Exported from its first 503; OutageTests asserts it there.
    private const string UnavailableMetric = "learnprogress_requests_unavailable_total";

    [Fact]
    public async Task Every_rule_parses_and_names_only_exported_metrics()
    {
        fixture.Require();
        var rules = LoadRules();
        Assert.Contains(rules, r => r.Alert == "LearnProgressBacklogStale");
        Assert.Contains(rules, r => r.Alert == "LearnProgressFlushesFailing");
        Assert.Contains(rules, r => r.Alert == "LearnProgressLearnersHeldBack");
        Assert.Contains(rules, r => r.Alert == "LearnProgressRedisMemoryNearLimit");
        Assert.All(rules, r =>
        {
            Assert.False(string.IsNullOrWhiteSpace(r.Expr), $"{r.Alert} has no expr");
            Assert.Equal(CountOf(r.Expr, '('), CountOf(r.Expr, ')'));
            Assert.Matches(@"^\d+[smh]$", r.For);
        });

        var app = fixture.App;
        var course = await app.CreateCourseAsync(600);
        using var learner = app.Learner(Unique.Id("u"));
        (await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 10 })).EnsureSuccessStatusCode();
        await app.FlushAsync();
        using var anonymous = app.ClientFor(null);
        var named = rules.SelectMany(r => MetricName().Matches(r.Expr).Select(m => m.Value)).ToHashSet();
        Assert.Contains(UnavailableMetric, named);

        // The memory gauges come from the backlog sampler (every 5 s).
        var exposition = "";
        for (var attempt = 0; attempt < 40 && !exposition.Contains("learnprogress_buffer_memory_used_bytes", StringComparison.Ordinal); attempt++)
        {
            exposition = await anonymous.GetStringAsync("/metrics");
            if (!exposition.Contains("learnprogress_buffer_memory_used_bytes", StringComparison.Ordinal)) await Task.Delay(OperatorSignalTests.ScrapeCache);
        }
        var exported = MetricName().Matches(exposition).Select(m => m.Value).ToHashSet();

        foreach (var metric in named.Where(m => m != UnavailableMetric))
            Assert.True(exported.Contains(metric), $"The rules name {metric}, which /metrics does not export:\n{exposition}");
    }

    private sealed record Rule(string Alert, string Expr, string For);

    private static List<Rule> LoadRules()
    {
        var path = Path.Combine(Repository.Root, "deploy", "prometheus", "alerts.yml");
        var yaml = new YamlStream();
        using (var reader = File.OpenText(path)) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents.Single().RootNode;
        var groups = (YamlSequenceNode)root.Children[new YamlScalarNode("groups")];
        return groups.Cast<YamlMappingNode>()
            .SelectMany(g => ((YamlSequenceNode)g.Children[new YamlScalarNode("rules")]).Cast<YamlMappingNode>())
            .Select(r => new Rule(Scalar(r, "alert"), Scalar(r, "expr"), Scalar(r, "for")))
            .ToList();
    }

    private static string Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value ?? "" : "";

    private static int CountOf(string text, char c) => text.Count(x => x == c);


    [GeneratedRegex("learnprogress_[a-z_]+")]
    private static partial Regex MetricName();
}
