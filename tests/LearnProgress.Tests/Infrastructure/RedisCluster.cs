using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace LearnProgress.Tests.Infrastructure;

/// <summary>
/// A real Redis Cluster of three masters on loopback, started for one test class from the Debian redis-server and
/// redis-cli the test command installs; the slots are spread over the three by <c>redis-cli --cluster create</c>.
/// </summary>
public sealed class RedisCluster : IAsyncLifetime
{
    private const int Masters = 3;
    private readonly List<Process> _nodes = [];
    private readonly TempDirectory _directory = new();
    private string? _unavailable;

    public string ConnectionString { get; private set; } = "";
    public IConnectionMultiplexer Connection { get; private set; } = null!;

    public void Require()
    {
        if (_unavailable is not null) ServerRequirement.Unavailable(_unavailable);
    }

    public async ValueTask InitializeAsync()
    {
        var ports = new List<int>();
        while (ports.Count < Masters)
        {
            // The cluster bus listens on the port + 10000, so both must be free.
            var port = RedisServer.FreePort();
            if (port < 55_000 && !ports.Contains(port) && IsFree(port + 10_000)) ports.Add(port);
        }
        try
        {
            foreach (var port in ports)
            {
                var node = Process.Start(new ProcessStartInfo("redis-server",
                [
                    "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                    "--cluster-config-file", Path.Combine(_directory.Path, $"nodes-{port}.conf"), "--dir", _directory.Path,
                    "--save", "", "--appendonly", "no",
                ]) { RedirectStandardOutput = true, UseShellExecute = false })!;
                node.OutputDataReceived += (_, _) => { };
                node.BeginOutputReadLine();
                _nodes.Add(node);
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            _unavailable = "redis-server is not installed (apt-get install redis-server)";
            return;
        }
        var endpoints = string.Join(",", ports.Select(p => $"127.0.0.1:{p}"));
        for (var attempt = 0; ; attempt++)
        {
            var create = Process.Start(new ProcessStartInfo("redis-cli",
                ["--cluster", "create", .. ports.Select(p => $"127.0.0.1:{p}"), "--cluster-replicas", "0", "--cluster-yes"])
            { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            var output = await create.StandardOutput.ReadToEndAsync() + await create.StandardError.ReadToEndAsync();
            await create.WaitForExitAsync();
            if (create.ExitCode == 0) break;
            if (attempt >= 20)
            {
                _unavailable = $"redis-cli --cluster create failed: {output.Trim()}";
                return;
            }
            await Task.Delay(250);   // the nodes are still starting
        }
        ConnectionString = endpoints;
        Connection = await ConnectionMultiplexer.ConnectAsync(endpoints + ",connectTimeout=2000,allowAdmin=true");
        // Every node must agree that all slots are served before the first command.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var states = await Task.WhenAll(Connection.GetServers().Select(s => s.ExecuteAsync("CLUSTER", "INFO")));
            if (states.All(s => s.ToString().Contains("cluster_state:ok", StringComparison.Ordinal))) return;
            await Task.Delay(100);
        }
        _unavailable = "the Redis Cluster did not reach cluster_state:ok";
    }

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null) await Connection.DisposeAsync();
        foreach (var node in _nodes)
        {
            if (!node.HasExited) node.Kill();
            await node.WaitForExitAsync();
            node.Dispose();
        }
        _directory.Dispose();
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>The service against the Redis Cluster (ConnectionStrings:Redis names its three masters) and SQLite.</summary>
public sealed class ClusterAppFixture : IAsyncLifetime
{
    public RedisCluster Cluster { get; } = new();

    public LearnProgressApp App { get; private set; } = null!;

    public void Require() => Cluster.Require();

    public async ValueTask InitializeAsync()
    {
        await Cluster.InitializeAsync();
        App = new LearnProgressApp(redis: Cluster.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
