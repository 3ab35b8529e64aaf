using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using LearnProgress.Redis;
using LearnProgress.Tests.Infrastructure;
using StackExchange.Redis;

namespace LearnProgress.Tests.Faults;

/// <summary>
/// A Redis Cluster primary that dies before its replica received the latest writes: the replica takes over without
/// them. The drill makes that window certain instead of hoping for it (on loopback the socket buffers would still
/// carry the stream to the replica): the replica is stopped, the primary drops its replica link, players go on for two
/// seconds, the primary is killed, and the replica resumes and is promoted. Without <c>WriteBehind:WaitReplicas</c>
/// acknowledged pings are lost; with it, none.
/// </summary>
public sealed class RedisFailoverTests
{
    private const int Players = 16;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task A_failover_that_loses_the_primarys_last_writes_loses_acknowledged_pings_only_without_waiting_for_replicas(int waitReplicas)
    {
        await using var cluster = new RedisCluster(replicas: 1, nodeTimeoutMs: 1_000);
        await cluster.InitializeAsync();
        cluster.Require();
        await using var app = new LearnProgressApp(redis: cluster.ConnectionString, settings: new()
        {
            ["WriteBehind:WaitReplicas"] = waitReplicas.ToString(CultureInfo.InvariantCulture),
            ["WriteBehind:WaitTimeout"] = "00:00:00.200",
        });
        var course = await app.CreateCourseAsync(100_000, 100_000);
        var users = Enumerable.Range(0, Players).Select(_ => Unique.Id("u")).ToList();
        // Players ping l1 until the primary dies and l2 after, so later pings cannot cover a lost one of l1.
        var lecture = "l1";
        var acknowledged = new ConcurrentDictionary<string, int>();
        var statuses = new ConcurrentDictionary<int, int>();
        using var stop = new CancellationTokenSource();
        var players = users.Select(async user =>
        {
            using var learner = app.Learner(user);
            for (var position = 1; !stop.IsCancellationRequested; position++)
            {
                var pinged = Volatile.Read(ref lecture);
                var answer = await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = pinged, watchTime = position });
                statuses.AddOrUpdate((int)answer.StatusCode, 1, (_, n) => n + 1);
                if (answer.StatusCode == HttpStatusCode.OK && pinged == "l1") acknowledged[user] = position;
                else if (answer.StatusCode != HttpStatusCode.OK) await Task.Delay(50);
            }
        }).ToList();

        // The primary that serves the first player's keys, and its replica.
        var keys = new RedisKeys(64);
        var primary = cluster.Connection.GetServer(keys.Progress(users[0], course));
        var primaryPort = ((IPEndPoint)primary.EndPoint).Port;
        var replication = (string)(await primary.ExecuteAsync("INFO", "replication"))!;
        var replicaPort = int.Parse(replication.Split('\n').First(l => l.StartsWith("slave0:", StringComparison.Ordinal))
            .Split(',').First(p => p.StartsWith("port=", StringComparison.Ordinal))[5..], CultureInfo.InvariantCulture);
        var replica = cluster.Connection.GetServer("127.0.0.1", replicaPort);
        var playersOnPrimary = users.Count(u => cluster.Connection.GetServer(keys.Progress(u, course)).EndPoint.Equals(primary.EndPoint));

        await Task.Delay(TimeSpan.FromSeconds(1));
        Signal("STOP", cluster.NodeAt(replicaPort));
        Assert.Equal(1, (long)await primary.ExecuteAsync("CLIENT", "KILL", "TYPE", "replica"));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var primaryProcess = cluster.NodeAt(primaryPort);
        primaryProcess.Kill();
        Volatile.Write(ref lecture, "l2");
        await primaryProcess.WaitForExitAsync();
        Signal("CONT", cluster.NodeAt(replicaPort));

        var promoted = Stopwatch.StartNew();
        while (((RedisResult[])(await replica.ExecuteAsync("ROLE"))!)[0].ToString() != "master" ||
               !((string)(await replica.ExecuteAsync("CLUSTER", "INFO"))!).Contains("cluster_state:ok", StringComparison.Ordinal))
        {
            Assert.True(promoted.Elapsed < TimeSpan.FromSeconds(30), "the replica was promoted");
            await Task.Delay(100);
        }
        // The players carry on against the new primary before they stop.
        var okBefore = statuses.GetValueOrDefault(200);
        var healing = Stopwatch.StartNew();
        while (statuses.GetValueOrDefault(200) < okBefore + Players * 5 && healing.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50);
        await stop.CancelAsync();
        await Task.WhenAll(players);

        var lostPings = 0;
        var lostLearners = 0;
        foreach (var (user, position) in acknowledged)
        {
            using var learner = app.Learner(user);
            var read = await learner.GetAsync($"/api/v1/progress/{course}");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            var lectures = (await read.JsonAsync()).GetProperty("lectures");
            var furthest = lectures.TryGetProperty("l1", out var l1) ? l1.GetProperty("furthest").GetDouble() : 0;
            if (furthest < position)
            {
                lostLearners++;
                lostPings += position - (int)furthest;
            }
        }
        FaultReport.Print($"redis cluster failover that drops the primary's last writes, WriteBehind:WaitReplicas={waitReplicas}: " +
                          $"answers {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; " +
                          $"{playersOnPrimary} of {Players} players on the failed primary; {lostPings} acknowledged pings lost ({lostLearners} learners)");
        Assert.DoesNotContain(statuses.Keys, s => s >= 500 && s != 503);
        Assert.True(playersOnPrimary > 0);
        if (waitReplicas == 0)
            Assert.True(lostPings > 0, "the drill opens the window it means to: the primary's unreplicated writes are gone");
        else
            Assert.Equal(0, lostPings);
    }

    [Fact]
    public async Task Readiness_fails_while_the_cluster_cannot_serve_every_slot()
    {
        await using var cluster = new RedisCluster(replicas: 0, nodeTimeoutMs: 1_000);
        await cluster.InitializeAsync();
        cluster.Require();
        await using var app = new LearnProgressApp(redis: cluster.ConnectionString);
        using var anonymous = app.CreateClient();
        var course = await app.CreateCourseAsync(600);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);

        // A master without a replica dies: once the others mark it failed, the cluster's state is fail and every write
        // is refused with CLUSTERDOWN, while the surviving nodes still answer PING.
        var survivor = cluster.Connection.GetServers()[0];
        var victim = cluster.Connection.GetServers().First(s => !s.EndPoint.Equals(survivor.EndPoint));
        var process = cluster.NodeAt(((IPEndPoint)victim.EndPoint).Port);
        process.Kill();
        await process.WaitForExitAsync();
        var failing = Stopwatch.StartNew();
        while (((string)(await survivor.ExecuteAsync("CLUSTER", "INFO"))!).Contains("cluster_state:ok", StringComparison.Ordinal))
        {
            Assert.True(failing.Elapsed < TimeSpan.FromSeconds(30), "the cluster noticed the failed master");
            await Task.Delay(100);
        }
        Assert.Equal("PONG", (await survivor.ExecuteAsync("PING")).ToString());

        var ready = await anonymous.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var learner = app.Learner(Unique.Id("u"));
        var ping = await learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 5 });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ping.StatusCode);
        Assert.NotNull(ping.Headers.RetryAfter);
    }

    private static void Signal(string signal, Process node) =>
        Process.Start("kill", [$"-{signal}", node.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
}
