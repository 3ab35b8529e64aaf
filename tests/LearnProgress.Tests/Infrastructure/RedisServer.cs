using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;
using Testcontainers.Redis;

namespace LearnProgress.Tests.Infrastructure;

/// <summary>
/// A real redis-server for one test class: REDIS_URL when set, else a private redis-server process on a free
/// loopback port (the Debian package the README's test command installs), else a Testcontainers container when a
/// Docker engine answers.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;
    private RedisContainer? _container;
    private string? _unavailable;

    public string ConnectionString { get; private set; } = "";
    public IConnectionMultiplexer Connection { get; private set; } = null!;

    public bool Available => _unavailable is null;

    public void Require()
    {
        if (_unavailable is not null) ServerRequirement.Unavailable(_unavailable);
    }

    public async ValueTask InitializeAsync()
    {
        var url = Environment.GetEnvironmentVariable("REDIS_URL");
        if (string.IsNullOrEmpty(url))
        {
            var port = FreePort();
            try
            {
                _process = Process.Start(new ProcessStartInfo("redis-server",
                    ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
                {
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                });
            }
            catch (System.ComponentModel.Win32Exception)
            {
                var (container, failure) = await Containers.TryStartAsync(() => new RedisBuilder("redis:7").Build());
                if (container is null)
                {
                    _unavailable = $"redis-server is not installed (apt-get install redis-server), REDIS_URL is not set and {failure}";
                    return;
                }
                _container = container;
            }
            if (_container is not null)
            {
                url = _container.GetConnectionString();
            }
            else
            {
                _process!.OutputDataReceived += (_, _) => { };
                _process.BeginOutputReadLine();
                url = $"127.0.0.1:{port}";
            }
        }
        ConnectionString = url.StartsWith("redis://", StringComparison.Ordinal) ? url["redis://".Length..] : url;
        try
        {
            Connection = await ConnectAsync(ConnectionString);
        }
        catch (RedisConnectionException ex)
        {
            _unavailable = $"redis at {ConnectionString} did not answer: {ex.Message}";
        }
    }

    /// <summary>Connects once the server answers (a server just started takes a moment to listen); gives up after about 5 s.</summary>
    public static async Task<IConnectionMultiplexer> ConnectAsync(string connectionString)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await ConnectionMultiplexer.ConnectAsync(connectionString + ",connectTimeout=1000,allowAdmin=true");
            }
            catch (RedisConnectionException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null) await Connection.DisposeAsync();
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        if (_container is not null) await _container.DisposeAsync();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
