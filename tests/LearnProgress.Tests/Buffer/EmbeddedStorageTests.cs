using System.Diagnostics;
using LearnProgress.Core.Progress;
using LearnProgress.Redis;
using LearnProgress.Tests.Infrastructure;
using StackExchange.Redis;

namespace LearnProgress.Tests.Buffer;

/// <summary>
/// The embedded Garnet's files stay bounded: with a fixed set of learners, disk use and the time to restart depend on
/// what is buffered, not on how many pings were ever received, once the keys are flushed.
/// </summary>
[Collection(Serial.Name)]
public sealed class EmbeddedStorageTests(ITestOutputHelper output)
{
    // The limits README states for this workload (2,000 learners × 5 lectures, sessions and segments on every ping).
    private const long DiskLimitBytes = 48L << 20;
    private static readonly TimeSpan RestartLimit = TimeSpan.FromSeconds(5);

    private const int Learners = 2_000;
    private const int PingsPerCall = 20;
    private const int Rounds = 4;
    private const int PingsPerRound = 50_000;
    private const int Buckets = 64;

    private static readonly EmbeddedGarnetSettings Settings = new(TimeSpan.FromSeconds(10), 4L << 20, LogMemoryBytes: 16L << 20);

    [Fact]
    public async Task Disk_use_and_restart_time_do_not_grow_with_the_pings_received()
    {
        using var data = new TempDirectory();
        var directory = Path.Combine(data.Path, "garnet");
        var keys = new RedisKeys(Buckets);
        var run = Unique.Id("r");
        var users = Enumerable.Range(0, Learners).Select(i => $"{run}-u{i}").ToArray();
        var course = Unique.Id("c");
        var sizes = new List<long>();
        var aofSizes = new List<long>();
        var clock = 1_700_000_000_000L;
        var day = DateOnly.FromDateTime(DateTime.UtcNow);

        var garnet = new EmbeddedGarnet(directory, settings: Settings);
        // The test measures disk, not latency: a call slowed by a busy machine must not fail it.
        var connection = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString + ",asyncTimeout=30000,syncTimeout=30000");
        try
        {
            for (var round = 1; round <= Rounds; round++)
            {
                var buffer = new RedisProgressBuffer(connection, keys, TimeSpan.FromHours(24));
                var calls = PingsPerRound / PingsPerCall;
                var started = Stopwatch.GetTimestamp();
                var slowestTicks = 0L;
                await Parallel.ForAsync(0, calls, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (call, ct) =>
                {
                    var user = users[call % Learners];
                    var ts = Interlocked.Add(ref clock, 5_000);
                    var pings = Enumerable.Range(0, PingsPerCall).Select(p =>
                    {
                        var position = (round * calls + call) % 3_000 + p * 5.0;
                        return new ProgressPing(course, $"l{p % 5}", position + 5, ts + p, position, $"s{round}", day);
                    }).ToArray();
                    var sent = Stopwatch.GetTimestamp();
                    await buffer.RecordAsync(user, pings, ct);
                    var took = Stopwatch.GetTimestamp() - sent;
                    for (var seen = Interlocked.Read(ref slowestTicks); took > seen; seen = Interlocked.Read(ref slowestTicks))
                        if (Interlocked.CompareExchange(ref slowestTicks, took, seen) == seen) break;
                });
                var pingSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var flushed = 0;
                for (var b = 0; b < Buckets; b++)
                    flushed += (await buffer.FlushBucketAsync(b, (_, _) => Task.FromResult<IReadOnlyList<HeldLearner>>([]))).Keys;
                var before = DirectorySize(directory);
                var size = await SettledSizeAsync(directory);
                sizes.Add(size);
                aofSizes.Add(DirectorySize(Path.Combine(directory, "AOF")));
                output.WriteLine(Breakdown(directory));
                output.WriteLine($"round {round}: {PingsPerRound:N0} pings in {pingSeconds:F1} s (slowest call {slowestTicks * 1000.0 / Stopwatch.Frequency:F0} ms), {flushed:N0} keys flushed, " +
                                 $"disk {before / 1024.0 / 1024:F1} MiB before the checkpoint, {size / 1024.0 / 1024:F1} MiB after");
            }
        }
        finally
        {
            await connection.DisposeAsync();
            garnet.Dispose();
        }

        var restart = Stopwatch.GetTimestamp();
        using (var again = new EmbeddedGarnet(directory, settings: Settings))
        await using (var reconnected = await ConnectionMultiplexer.ConnectAsync(again.ConnectionString))
        {
            var state = await new RedisProgressBuffer(reconnected, keys, TimeSpan.FromHours(24)).ReadAsync(users[7], course);
            var elapsed = Stopwatch.GetElapsedTime(restart);
            output.WriteLine($"restart with recovery: {elapsed.TotalMilliseconds:F0} ms; disk {DirectorySize(directory) / 1024.0 / 1024:F1} MiB");
            Assert.Equal(5, state.Count);
            Assert.True(elapsed < RestartLimit, $"Restart took {elapsed}; the limit is {RestartLimit}.");
        }

        Assert.All(sizes, s => Assert.True(s <= DiskLimitBytes, $"Garnet's files grew to {s:N0} bytes; the limit is {DiskLimitBytes:N0}."));
        // The AOF is truncated behind each checkpoint: at most the size limit plus the segment being written.
        Assert.All(aofSizes, s => Assert.True(s <= Settings.AofSizeLimitBytes + (8L << 20), $"The AOF held {s:N0} bytes after a checkpoint."));
        // Four times the pings must not mean more disk: checkpoints and log hold what the first round held, within 8 MiB.
        var withoutAof = sizes.Zip(aofSizes, (all, aof) => all - aof).ToList();
        Assert.True(withoutAof[^1] <= withoutAof[0] + (8L << 20), $"Disk use grew with the pings: {string.Join(", ", withoutAof)} bytes per round.");
    }

    /// <summary>Waits for the scheduled checkpoint to run and truncate the AOF behind it, then measures.</summary>
    private static async Task<long> SettledSizeAsync(string directory)
    {
        var smallest = long.MaxValue;
        for (var i = 0; i < 16; i++)
        {
            await Task.Delay(500);
            smallest = Math.Min(smallest, DirectorySize(directory));
        }
        return smallest;
    }

    private static string Breakdown(string directory) =>
        string.Join(", ", new DirectoryInfo(directory).EnumerateDirectories("*", SearchOption.AllDirectories)
            .Where(d => d.EnumerateFiles().Any())
            .Select(d => $"{Path.GetRelativePath(directory, d.FullName)} {d.EnumerateFiles().Sum(f => f.Length) / 1024.0 / 1024:F1} MiB"));

    private static long DirectorySize(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f =>
        {
            try { return f.Length; }
            catch (FileNotFoundException) { return 0; }
        });
}
