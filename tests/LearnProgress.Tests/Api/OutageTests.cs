using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using LearnProgress.Api.Hosting;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace LearnProgress.Tests.Api;

/// <summary>
/// While the buffer's Redis cannot be reached, pings and reads get a 503 problem with Retry-After at once (never a
/// 500 or a hang), readiness says so at once, and the service heals by itself when Redis returns, even if it
/// started while Redis was down.
/// </summary>
[Collection(Serial.Name)]
public sealed class OutageTests(ITestOutputHelper output)
{
    // About a second, with room for a test machine shared with other work.
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Redis_down_is_a_prompt_503_with_retry_after_and_the_service_heals_when_it_returns()
    {
        await using var redis = await PrivateRedis.StartAsync();
        await using var app = new LearnProgressApp(redis: $"127.0.0.1:{redis.Port}");
        var course = await app.CreateCourseAsync(600);
        var user = Unique.Id("u");
        using var learner = app.Learner(user);
        using var anonymous = app.ClientFor(null);
        // A hang must fail the test, not stall it.
        learner.Timeout = anonymous.Timeout = TimeSpan.FromSeconds(10);
        Assert.Equal(HttpStatusCode.OK, (await Ping(learner, course, 10)).StatusCode);

        redis.Kill();

        var (ping, pingTime) = await Timed(() => Ping(learner, course, 20));
        await AssertUnavailableAsync(ping);
        var (read, readTime) = await Timed(() => learner.GetAsync($"/api/v1/progress/{course}"));
        await AssertUnavailableAsync(read);
        var (ready, readyTime) = await Timed(() => anonymous.GetAsync("/health/ready"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("buffer", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        output.WriteLine($"Redis down: ping 503 in {pingTime.TotalMilliseconds:F0} ms, read in {readTime.TotalMilliseconds:F0} ms, readiness in {readyTime.TotalMilliseconds:F0} ms");
        Assert.All([pingTime, readTime, readyTime], t => Assert.True(t < Prompt, $"An answer took {t}; it must come within {Prompt}."));
        var metrics = await anonymous.GetStringAsync("/metrics");
        Assert.True(OperatorSignalTests.Value(metrics, "learnprogress_requests_unavailable_total", "dependency=\"buffer\"") >= 2, metrics);

        await redis.RestartAsync();
        var healed = await UntilAsync(async () => (await Ping(learner, course, 30)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(20));
        output.WriteLine($"Redis back: pings accepted again after {healed.TotalMilliseconds:F0} ms");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        var progress = await (await learner.GetAsync($"/api/v1/progress/{course}")).JsonAsync();
        Assert.Equal(30, progress.GetProperty("watchTimes").GetProperty("l1").GetDouble());
    }

    [Fact]
    public async Task The_service_starts_while_redis_is_down_and_becomes_ready_when_it_comes()
    {
        await using var redis = PrivateRedis.Reserve();
        var started = Stopwatch.GetTimestamp();
        await using var app = new LearnProgressApp(redis: $"127.0.0.1:{redis.Port}");
        using var anonymous = app.ClientFor(null);

        var (ready, readyTime) = await Timed(() => anonymous.GetAsync("/health/ready"));
        output.WriteLine($"Started without Redis in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms; readiness answered {(int)ready.StatusCode} in {readyTime.TotalMilliseconds:F0} ms");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.True(readyTime < Prompt, $"Readiness took {readyTime}.");
        using var learner = app.Learner(Unique.Id("u"));
        // The catalog is in the store, so the ping gets as far as the buffer.
        var course = Unique.Id("c");
        await app.Record.CreateCourseAsync(course, "Course");
        await app.Record.PutLectureAsync(course, new LearnProgress.Core.Catalog.Lecture("l1", "One", 600));
        await AssertUnavailableAsync(await Ping(learner, course, 10));

        await redis.RestartAsync();
        await UntilAsync(async () => (await anonymous.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.OK, (await Ping(learner, course, 10)).StatusCode);
    }

    [Fact]
    public async Task A_busy_or_locked_store_is_classified_as_unavailable_so_direct_writes_answer_503()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "locked.db");
        await using var holder = new SqliteConnection($"Data Source={file}");
        await holder.OpenAsync();
        await using (var create = holder.CreateCommand())
        {
            create.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE t (x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1);";
            await create.ExecuteNonQueryAsync();
        }
        await using var writer = new SqliteConnection($"Data Source={file};Default Timeout=1");
        await writer.OpenAsync();
        await using var insert = writer.CreateCommand();
        insert.CommandText = "INSERT INTO t VALUES (2)";

        var busy = await Assert.ThrowsAsync<SqliteException>(() => insert.ExecuteNonQueryAsync());

        Assert.Equal(Dependency.Store, Dependencies.Unavailable(busy));
        Assert.Equal(Dependency.Store, Dependencies.Unavailable(new InvalidOperationException("wrapped", busy)));
        Assert.Null(Dependencies.Unavailable(new SqliteException("constraint", 19)));
        Assert.Null(Dependencies.Unavailable(new InvalidOperationException("a bug")));
    }

    private static Task<HttpResponseMessage> Ping(HttpClient learner, string course, double at) =>
        learner.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = at });

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 }, "A 503 must say when to retry.");
        Assert.Contains("unavailable", problem.GetProperty("title").GetString(), StringComparison.OrdinalIgnoreCase);
        var text = problem.ToString();
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("StackExchange", text, StringComparison.Ordinal);
    }

    private static async Task<(T Result, TimeSpan Elapsed)> Timed<T>(Func<Task<T>> action)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await action();
        return (result, Stopwatch.GetElapsedTime(started));
    }

    private static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            Assert.True(Stopwatch.GetElapsedTime(started) < limit, $"Not recovered within {limit}.");
            await Task.Delay(100);
        }
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>A redis-server of this test's own, on a fixed port, that the test kills and starts again.</summary>
    private sealed class PrivateRedis : IAsyncDisposable
    {
        private Process? _process;

        private PrivateRedis(int port) => Port = port;

        public int Port { get; }

        public static PrivateRedis Reserve()
        {
            if (!RedisOnPath()) ServerRequirement.Unavailable("redis-server is not installed (apt-get install redis-server)");
            return new PrivateRedis(RedisServer.FreePort());
        }

        public static async Task<PrivateRedis> StartAsync()
        {
            var redis = Reserve();
            await redis.RestartAsync();
            return redis;
        }

        public async Task RestartAsync()
        {
            _process = Process.Start(new ProcessStartInfo("redis-server",
                ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            _process.OutputDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            for (var attempt = 0; attempt < 50; attempt++)
            {
                try
                {
                    using var probe = new System.Net.Sockets.TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, Port);
                    return;
                }
                catch (System.Net.Sockets.SocketException)
                {
                    await Task.Delay(100);
                }
            }
            throw new TimeoutException("redis-server did not listen within 5 s.");
        }

        /// <summary>SIGKILL: the connection drops without a goodbye, as in a crash.</summary>
        public void Kill()
        {
            _process!.Kill();
            _process.WaitForExit();
        }

        public async ValueTask DisposeAsync()
        {
            if (_process is { HasExited: false })
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
            _process?.Dispose();
        }

        private static bool RedisOnPath() =>
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(dir => File.Exists(Path.Combine(dir, "redis-server")));
    }
}
