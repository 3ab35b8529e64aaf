using System.Diagnostics;
using System.Text.Json;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Bench;

/// <summary>Runs the benchmark for a few seconds so its harness cannot rot; the figures themselves are not judged here.</summary>
public sealed class BenchmarkSmokeTests
{
    private static readonly string[] Figures =
    [
        "ping_rps", "ping_p50_ms", "ping_p99_ms", "ping_half_p99_ms", "bare_rps", "through_rps", "db_writes_per_ping",
        "through_db_writes_per_ping", "get_p99_ms", "flush_keys_per_s", "redis_bytes_per_active_course", "cores", "ping_api_cpu_us", "ping_flush_api_cpu_us",
        "paced_db_writes_per_ping_4s", "paced_pings_per_learner_per_interval_4s", "push_all_api_cpu_us", "pushes_per_ping",
        "ping_embedded_rps", "ping_embedded_api_cpu_us", "ping_wait_rps", "ping_wait_p99_ms", "ping_traced_rps", "ping_traced_all_rps",
    ];

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task The_smoke_run_of_the_benchmark_reports_every_figure_as_a_number()
    {
        foreach (var tool in new[] { "wrk", "redis-server", "redis-cli", "node" })
            if (!ServerRequirement.OnPath(tool))
                ServerRequirement.Unavailable($"{tool} is not installed (apt-get install wrk redis-server nodejs)");
        using var output = new TempDirectory();
        var root = Repository.Root;

        // The test build has just built the API, so the smoke run reuses it instead of building Release.
        var run = Process.Start(new ProcessStartInfo("bash",
            ["tests/bench/run.sh", "--smoke", "--no-build", "--configuration", Configuration, "--out", output.Path])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = run.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = run.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        try
        {
            await run.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            run.Kill(entireProcessTree: true);
            Assert.Fail("The smoke run did not finish within 240 s.");
        }
        Assert.True(run.ExitCode == 0, $"run.sh exited {run.ExitCode}:\n{await stdout}\n{await stderr}");

        using var results = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output.Path, "results.json")));
        foreach (var figure in Figures)
        {
            Assert.True(results.RootElement.TryGetProperty(figure, out var value), $"results.json lacks {figure}");
            Assert.Equal(JsonValueKind.Number, value.ValueKind);
        }
        Assert.Contains("| `ping_rps` |", await stdout);
    }


}
