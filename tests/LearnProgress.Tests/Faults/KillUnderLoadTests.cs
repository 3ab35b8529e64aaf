using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Faults;

/// <summary>
/// kill -9 of the real API process while learners ping it: every ping it acknowledged is there after the restart.
/// Positions only rise in these sessions, so an acknowledged ping is lost exactly when the learner's furthest
/// position reads lower than the highest one acknowledged.
/// </summary>
public sealed class KillUnderLoadTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const int Learners = 40;
    private const int Rounds = 3;

    [Fact]
    public Task No_acknowledged_ping_is_lost_to_kill_9_in_embedded_mode() => RunAsync("embedded", []);

    [Fact]
    public Task No_acknowledged_ping_is_lost_to_kill_9_in_redis_mode()
    {
        redis.Require();
        return RunAsync("redis", new Dictionary<string, string> { ["ConnectionStrings__Redis"] = redis.ConnectionString });
    }

    private static async Task RunAsync(string mode, Dictionary<string, string> environment)
    {
        using var data = new TempDirectory();
        var course = Unique.Id("c");
        var users = Enumerable.Range(0, Learners).Select(_ => Unique.Id("u")).ToList();
        var acknowledged = new ConcurrentDictionary<string, int>();
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;
        var sent = 0;
        var acked = 0;
        var next = users.ToDictionary(u => u, _ => 0);
        for (var round = 1; round <= Rounds; round++)
        {
            await using var service = await ServiceProcess.StartAsync(data.Path, environment);
            if (round == 1)
            {
                using var admin = service.Client(TestTokens.Admin());
                (await admin.PostAsJsonAsync("/api/v1/courses", new { id = course, title = "Faults" })).EnsureSuccessStatusCode();
                (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/lectures/l1", new { title = "One", durationSeconds = 100_000 })).EnsureSuccessStatusCode();
            }
            else
            {
                // Everything acknowledged before the last kill must be there now.
                Assert.Equal((0, 0), await LostAsync(service, course, acknowledged));
            }

            using var stop = new CancellationTokenSource();
            var load = users.Select(async user =>
            {
                using var client = service.Client(TestTokens.Learner(user));
                while (!stop.IsCancellationRequested)
                {
                    var position = Interlocked.Increment(ref CollectionsMarshalSlot(next, user));
                    try
                    {
                        var response = await client.PostAsJsonAsync("/api/v1/progress/save",
                            new { courseId = course, lectureId = "l1", watchTime = position, clientTs = start + position * 10L });
                        Interlocked.Increment(ref sent);
                        if (response.StatusCode != HttpStatusCode.OK) continue;
                        Interlocked.Increment(ref acked);
                        acknowledged.AddOrUpdate(user, position, (_, known) => Math.Max(known, position));
                    }
                    catch (HttpRequestException) { return; }   // the process is gone
                }
            }).ToList();
            await Task.Delay(TimeSpan.FromSeconds(2));
            service.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(load);
        }

        await using var last = await ServiceProcess.StartAsync(data.Path, environment);
        var (lost, shortfall) = await LostAsync(last, course, acknowledged);
        FaultReport.Print($"kill -9 under load ({mode}): {Rounds} rounds, {sent} pings answered, {acked} acknowledged, {lost} learners lost an acknowledged ping" +
            (lost > 0 ? $" (up to {shortfall} pings short of the last acknowledged)" : ""));
        Assert.Equal(0, lost);
        Assert.True(acknowledged.Count == Learners, "every learner had pings acknowledged");
    }

    private static ref int CollectionsMarshalSlot(Dictionary<string, int> counters, string user) =>
        ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(counters, user);

    /// <summary>How many learners read below their last acknowledged position, and by how many pings at most.</summary>
    private static async Task<(int Learners, int Shortfall)> LostAsync(ServiceProcess service, string course, ConcurrentDictionary<string, int> acknowledged)
    {
        var (lost, shortfall) = (0, 0);
        foreach (var (user, position) in acknowledged)
        {
            using var client = service.Client(TestTokens.Learner(user));
            var progress = await (await client.GetAsync($"/api/v1/progress/{course}")).JsonAsync();
            var furthest = progress.GetProperty("lectures").TryGetProperty("l1", out var lecture) ? lecture.GetProperty("furthest").GetDouble() : 0;
            if (furthest >= position) continue;
            lost++;
            shortfall = Math.Max(shortfall, position - (int)furthest);
        }
        return (lost, shortfall);
    }
}
