using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace LearnProgress.Tests.Infrastructure;

/// <summary>
/// A loopback port that closes every connection at once until told to forward, and from then relays each new one to
/// the target: a server that comes up after the service started, without starting or stopping the server itself.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _relays = [];
    private readonly string _host;
    private readonly int _port;
    private readonly Task _accepting;
    private volatile bool _forwarding;

    public TcpProxy(string host, int port)
    {
        (_host, _port) = (host, port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(_stop.Token);
    }

    public int Port { get; }

    /// <summary>How many connections were closed unanswered, so a test can see that the client really tried.</summary>
    public int Refused { get; private set; }

    public void StartForwarding() => _forwarding = true;

    private async Task AcceptAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            if (_forwarding)
            {
                _relays.Add(RelayAsync(client, stop));
                continue;
            }
            Refused++;
            // A reset, as from a port nobody listens on.
            client.Client.LingerState = new LingerOption(true, 0);
            client.Dispose();
        }
    }

    private async Task RelayAsync(TcpClient client, CancellationToken stop)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(_host, _port, stop);
                var downstream = client.GetStream();
                var server = upstream.GetStream();
                // When either side closes, both connections end.
                await Task.WhenAny(downstream.CopyToAsync(server, stop), server.CopyToAsync(downstream, stop));
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_relays);
        _stop.Dispose();
    }
}
