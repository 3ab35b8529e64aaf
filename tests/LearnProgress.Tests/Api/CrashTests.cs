using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Api;

/// <summary>The embedded service as a real process: an acknowledged ping survives kill -9.</summary>
public sealed class CrashTests
{
    [Fact]
    public async Task An_acknowledged_ping_survives_kill_9_in_embedded_mode()
    {
        using var data = new TempDirectory();
        var course = Unique.Id("c");
        var user = Unique.Id("u");

        await using (var first = await ServiceProcess.StartAsync(data.Path))
        {
            using var admin = first.Client(TestTokens.Admin());
            (await admin.PostAsJsonAsync("/api/v1/courses", new { id = course, title = "Crash course" })).EnsureSuccessStatusCode();
            (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/lectures/l1", new { title = "One", durationSeconds = 600 })).EnsureSuccessStatusCode();
            using var learner = first.Client(TestTokens.Learner(user));
            for (var i = 1; i <= 20; i++)
                Assert.Equal(HttpStatusCode.OK, (await learner.PostAsJsonAsync("/api/v1/progress/save",
                    new { courseId = course, lectureId = "l1", watchTime = i * 10 })).StatusCode);
            first.Kill();
        }

        await using var second = await ServiceProcess.StartAsync(data.Path);
        using var again = second.Client(TestTokens.Learner(user));
        var progress = await (await again.GetAsync($"/api/v1/progress/{course}")).JsonAsync();
        Assert.Equal(200, progress.GetProperty("watchTimes").GetProperty("l1").GetDouble());

        using var operations = second.Client(TestTokens.Admin());
        var flush = await (await operations.PostAsync("/api/v1/admin/flush", null)).JsonAsync();
        Assert.Equal(1, flush.GetProperty("flushed").GetInt32());
    }

    private sealed class ServiceProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Uri _base;

        private ServiceProcess(Process process, Uri baseAddress) => (_process, _base) = (process, baseAddress);

        public static async Task<ServiceProcess> StartAsync(string dataDirectory)
        {
            var port = RedisServer.FreePort();
            var api = Path.Combine(AppContext.BaseDirectory, "LearnProgress.Api.dll");
            var start = new ProcessStartInfo("dotnet", [api, "--urls", $"http://127.0.0.1:{port}"])
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
            start.Environment["Storage__DataDirectory"] = dataDirectory;
            start.Environment["Auth__SigningKey"] = TestTokens.SigningKey;
            start.Environment["WriteBehind__FlushInterval"] = "01:00:00";
            start.Environment["WriteBehind__Buckets"] = "16";
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"));
            using var probe = new HttpClient { BaseAddress = service._base, Timeout = TimeSpan.FromSeconds(2) };
            for (var attempt = 0; attempt < 150; attempt++)
            {
                if (process.HasExited) throw new InvalidOperationException($"The service exited with {process.ExitCode}.");
                try
                {
                    if ((await probe.GetAsync("/health/ready")).IsSuccessStatusCode) return service;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
                await Task.Delay(200);
            }
            await service.DisposeAsync();
            throw new TimeoutException("The service did not become ready in 30 s.");
        }

        public HttpClient Client(string token)
        {
            var client = new HttpClient { BaseAddress = _base };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }

        /// <summary>SIGKILL: no shutdown hooks, no flush, no graceful close of Garnet or SQLite.</summary>
        public void Kill()
        {
            _process.Kill();
            _process.WaitForExit();
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }
}
