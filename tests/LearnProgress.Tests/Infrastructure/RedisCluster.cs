using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace LearnProgress.Tests.Infrastructure;

/// <summary>
/// A real Redis Cluster of three masters on loopback, started for one test class from the Debian redis-server and
/// redis-cli the test command installs; the slots are spread over the three by <c>redis-cli --cluster create</c>.
/// With replicas, each master gets that many, and a short node timeout lets a replica take over within seconds.
/// </summary>
public sealed class RedisCluster : IAsyncLifetime
{
    private readonly int replicas;
    private readonly int nodeTimeoutMs;

    public RedisCluster() : this(0, 15_000)
    {
    }

    // Not public: a class fixture has one public constructor, the plain cluster's.
    internal RedisCluster(int replicas, int nodeTimeoutMs)
    {
        this.replicas = replicas;
        this.nodeTimeoutMs = nodeTimeoutMs;
    }

    private const int Masters = 3;
    private readonly List<Process> _nodes = [];
    private readonly List<int> _ports = [];
    private readonly TempDirectory _directory = new();
    private string? _unavailable;

    public string ConnectionString { get; private set; } = "";
    public IConnectionMultiplexer Connection { get; private set; } = null!;

    /// <summary>The node process listening on <paramref name="port"/>, for fault drills.</summary>
    public Process NodeAt(int port) => _nodes[_ports.IndexOf(port)];

    public void Require()
    {
        if (_unavailable is not null) ServerRequirement.Unavailable(_unavailable);
    }

    public async ValueTask InitializeAsync()
    {
        var ports = _ports;
        while (ports.Count < Masters * (1 + replicas))
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
                    "--save", "", "--appendonly", "no", "--cluster-node-timeout", nodeTimeoutMs.ToString(CultureInfo.InvariantCulture),
                    // A replica whose link broke long ago may still take over: the drills decide what it has.
                    "--cluster-replica-validity-factor", "0",
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
                ["--cluster", "create", .. ports.Select(p => $"127.0.0.1:{p}"), "--cluster-replicas", replicas.ToString(CultureInfo.InvariantCulture), "--cluster-yes"])
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
        // Every node must agree that all slots are served, and every master have its replicas, before the first command.
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var states = await Task.WhenAll(Connection.GetServers().Select(s => s.ExecuteAsync("CLUSTER", "INFO")));
            var links = (await Task.WhenAll(Connection.GetServers().Select(s => s.ExecuteAsync("INFO", "replication")))).Select(l => l.ToString()).ToList();
            if (states.All(s => s.ToString().Contains("cluster_state:ok", StringComparison.Ordinal)) &&
                links.Count(l => l.Contains("role:master", StringComparison.Ordinal) && l.Contains($"connected_slaves:{replicas}", StringComparison.Ordinal)) == Masters &&
                links.Count(l => l.Contains("master_link_status:up", StringComparison.Ordinal)) == Masters * replicas)
                return;
            await Task.Delay(100);
        }
        _unavailable = "the Redis Cluster did not reach cluster_state:ok with every replica attached";
    }

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null) await Connection.DisposeAsync();
        foreach (var node in _nodes)
        {
            if (!node.HasExited)
            {
                Process.Start("kill", ["-CONT", node.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
                node.Kill();
            }
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
