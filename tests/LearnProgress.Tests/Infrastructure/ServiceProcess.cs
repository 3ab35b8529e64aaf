using System.Diagnostics;
using System.Net.Http.Headers;

namespace LearnProgress.Tests.Infrastructure;

/// <summary>The service as a real process on a free loopback port, in embedded mode over a given data directory.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Uri _base;

    private ServiceProcess(Process process, Uri baseAddress) => (_process, _base) = (process, baseAddress);

    /// <param name="wrapper">A command the service runs under (for example strace and its arguments).</param>
    public static async Task<ServiceProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<string>? wrapper = null)
    {
        var port = RedisServer.FreePort();
        var api = Path.Combine(AppContext.BaseDirectory, "LearnProgress.Api.dll");
        string[] command = [.. wrapper ?? [], "dotnet", api, "--urls", $"http://127.0.0.1:{port}"];
        var start = new ProcessStartInfo(command[0], command[1..])
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
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
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

    public Uri BaseAddress => _base;

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
