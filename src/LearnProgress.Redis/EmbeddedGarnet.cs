using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Garnet;
using Microsoft.Extensions.Logging;

namespace LearnProgress.Redis;

/// <summary>
/// Garnet hosted in-process for the embedded mode: loopback only, a random password, Lua scripts run as
/// transactions, and every write committed to the AOF before it is acknowledged, so a ping answered 2xx survives
/// a killed process.
/// </summary>
public sealed class EmbeddedGarnet : IDisposable
{
    private readonly GarnetServer _server;

    public EmbeddedGarnet(string directory, ILoggerFactory? loggerFactory = null)
    {
        Directory.CreateDirectory(directory);
        Port = FreeLoopbackPort();
        Password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        string[] args =
        [
            "--bind", IPAddress.Loopback.ToString(),
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--auth", "Password", "--password", Password,
            "--lua", "--lua-transaction-mode",
            "--checkpointdir", directory,
            "--aof", "--aof-commit-wait", "--aof-commit-freq", "0",
            "--recover",
            // The managed device needs no native libaio, so a machine with only the .NET SDK runs it.
            "--device-type", "RandomAccess",
            "--no-pubsub",
            "--metrics-sampling-freq", "0",
            "-q",
        ];
        _server = new GarnetServer(args, loggerFactory is null ? null : new WarningsOnly(loggerFactory));
        _server.Start();
    }

    public int Port { get; }

    public string Password { get; }

    public string ConnectionString => $"127.0.0.1:{Port},password={Password},abortConnect=false";

    public void Dispose() => _server.Dispose();

    /// <summary>Garnet narrates its start-up at Information; the service's log wants only its warnings.</summary>
    private sealed class WarningsOnly(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new Filtered(inner.CreateLogger(categoryName));
        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);
        public void Dispose() { }

        private sealed class Filtered(ILogger logger) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => logger.BeginScope(state);
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logger.IsEnabled(logLevel);
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel)) logger.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
