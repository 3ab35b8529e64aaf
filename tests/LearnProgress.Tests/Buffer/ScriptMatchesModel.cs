using LearnProgress.Core.Progress;
using LearnProgress.Redis;
using LearnProgress.Tests.Infrastructure;
using LearnProgress.Tests.Model;
using StackExchange.Redis;

namespace LearnProgress.Tests.Buffer;

/// <summary>
/// Binds record.lua to the C# model of the rules: random ping histories go through the real script, and what the
/// buffer then reads must equal what <see cref="ProgressMerge"/> makes of the same pings, figure for figure.
/// </summary>
public abstract class ScriptMatchesModel
{
    private const int Cases = 1_000;

    protected abstract IConnectionMultiplexer Connection { get; }

    protected virtual void RequireServer() { }

    [Fact]
    public async Task Any_ping_history_reads_back_exactly_as_the_model_merges_it()
    {
        RequireServer();
        var buffer = new RedisProgressBuffer(Connection, new RedisKeys(16), TimeSpan.FromHours(24));
        var run = Unique.Id("d");
        var mismatches = new System.Collections.Concurrent.ConcurrentBag<string>();
        // Learners' histories run side by side, so their pings share calls (group commit) as a loaded server's do.
        foreach (var seeds in Enumerable.Range(0, Cases).Chunk(32))
        {
            await Task.WhenAll(seeds.Select(async seed =>
            {
                var scenario = PingScenarios.Generate(seed);
                var user = $"{run}-{seed}";
                foreach (var delivery in scenario.Deliveries)
                    await buffer.RecordAsync(user, delivery);

                var lectures = await buffer.ReadAsync(user, scenario.Course);
                var days = await buffer.ReadActivityAsync(user);
                var expectedLectures = ProgressMerge.Apply(new Dictionary<string, LectureProgress>(), scenario.Pings);
                var expectedDays = ProgressMerge.Played(scenario.Pings);

                var differences = expectedLectures.Where(kv => lectures.GetValueOrDefault(kv.Key) != kv.Value)
                    .Select(kv => $"{kv.Key}: script {lectures.GetValueOrDefault(kv.Key)}, model {kv.Value}")
                    .Concat(expectedDays.Where(kv => !days.TryGetValue(kv.Key, out var played) || !played.Equals(kv.Value))
                        .Select(kv => $"{kv.Key:yyyy-MM-dd}: script {days.GetValueOrDefault(kv.Key)}, model {kv.Value}"))
                    .ToList();
                if (lectures.Count != expectedLectures.Count || days.Count != expectedDays.Count)
                    differences.Add($"script has {lectures.Count} lectures and {days.Count} days, model {expectedLectures.Count} and {expectedDays.Count}");
                if (differences.Count > 0) mismatches.Add($"{string.Join("; ", differences)}\n{scenario}");
            }));
            if (mismatches.Count >= 3) break;
        }
        Assert.True(mismatches.IsEmpty, string.Join("\n\n", mismatches.Take(3)));
    }
}

public sealed class GarnetScriptTests(GarnetServer server) : ScriptMatchesModel, IClassFixture<GarnetServer>
{
    protected override IConnectionMultiplexer Connection => server.Connection;
}

public sealed class RedisScriptTests(RedisServer server) : ScriptMatchesModel, IClassFixture<RedisServer>
{
    protected override IConnectionMultiplexer Connection => server.Connection;
    protected override void RequireServer() => server.Require();
}

public sealed class ClusterScriptTests(RedisCluster cluster) : ScriptMatchesModel, IClassFixture<RedisCluster>
{
    protected override IConnectionMultiplexer Connection => cluster.Connection;
    protected override void RequireServer() => cluster.Require();
}
