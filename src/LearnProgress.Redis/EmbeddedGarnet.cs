using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Garnet;
using Microsoft.Extensions.Logging;

namespace LearnProgress.Redis;

/// <summary>How the embedded Garnet keeps memory and files bounded.</summary>
/// <param name="CheckpointInterval">
/// Time between background checkpoints; each lets the AOF behind it, and log segments compacted before it, be deleted.
/// Compaction runs on the same schedule.
/// </param>
/// <param name="AofSizeLimitBytes">An AOF larger than this gets a checkpoint at once (checked every 5 s), whatever the schedule.</param>
/// <param name="LogMemoryBytes">Memory for the newest records; older ones live in log segments on disk until compaction.</param>
/// <param name="SyncToDisk">
/// Whether <see cref="EmbeddedGarnet.CommitToDisk"/> makes each AOF commit reach stable storage (survives a power loss),
/// or leaves it to the drive's cache (survives a killed process).
/// </param>
public sealed record EmbeddedGarnetSettings(TimeSpan CheckpointInterval, long AofSizeLimitBytes, long LogMemoryBytes = 128L << 20, bool SyncToDisk = true)
{
    public static readonly EmbeddedGarnetSettings Default = new(TimeSpan.FromMinutes(5), 64L << 20);
}

/// <summary>
/// Garnet hosted in-process for the embedded mode: loopback only, a random password, Lua scripts run as
/// transactions, and an AOF that Garnet commits as writes come in without making them wait; the buffer commits it
/// (<c>COMMITAOF</c>, which answers once the commit is done) after each call that records pings, before it
/// acknowledges them, so a ping answered 2xx survives a killed process.
/// </summary>
/// <remarks>
/// Disk and restart time stay bounded by checkpoints. Garnet notes the AOF tail when a checkpoint starts and, only
/// once the checkpoint is complete on disk, truncates the AOF up to that address; recovery loads the newest complete
/// checkpoint and replays the AOF after its address. A process killed during a checkpoint therefore recovers from
/// the previous checkpoint plus the whole untruncated AOF, and no acknowledged write is lost. Truncation deletes
/// whole AOF segment files, so segments are kept small (the default of 1 GiB would never be deleted here), and
/// older checkpoints are removed when a newer one completes.
/// </remarks>
public sealed class EmbeddedGarnet : IDisposable
{
    private readonly GarnetServer _server;
    private readonly AofDiskSync? _diskSync;

    public EmbeddedGarnet(string directory, ILoggerFactory? loggerFactory = null, EmbeddedGarnetSettings? settings = null)
    {
        settings ??= EmbeddedGarnetSettings.Default;
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
            // --aof-commit-wait would make every write of a script wait for its own commit; the buffer's COMMITAOF makes
            // one commit serve every ping of a call instead (see RedisProgressBuffer).
            "--aof", "--aof-commit-freq", "0",
            "--recover",
            "--checkpoint-freq", Seconds(settings.CheckpointInterval),
            "--aof-size-limit", Bytes(settings.AofSizeLimitBytes),
            "--aof-size-limit-enforce-frequency", "5",
            // Truncation deletes whole AOF segment files (1 GiB by default: never, here). An AOF page must be at least
            // twice the main log's page.
            "--aof-segment-size", "8m", "--aof-page-size", "2m", "--aof-memory", "16m",
            // The log is tiered: the newest records in memory, older ones in segment files under log/. Without a tier
            // Garnet's log lives in memory only and would drop its oldest records once full. Progress values are small
            // (a few hundred bytes), so 1 MiB pages; a 16 MiB index holds a million keys without resizing.
            "--storage-tier", "--logdir", Path.Combine(directory, "log"),
            "--memory", Bytes(settings.LogMemoryBytes), "--page", "1m", "--segment", "4m", "--index", "16m",
            // Every checkpoint makes the next update of each key copy it to the log's tail, and flushed keys expire, so
            // the log fills with dead records. Lookup compaction copies the live ones forward (nothing is lost) once the
            // immutable part passes 8 segments; the next checkpoint deletes the compacted segment files.
            "--compaction-freq", Seconds(settings.CheckpointInterval), "--compaction-type", "Lookup", "--compaction-max-segments", "8",
            // The managed device needs no native libaio, so a machine with only the .NET SDK runs it.
            "--device-type", "RandomAccess",
            "--no-pubsub",
            "--metrics-sampling-freq", "0",
            "-q",
        ];
        _server = new GarnetServer(args, loggerFactory is null ? null : new WarningsOnly(loggerFactory));
        _server.Start();
        _diskSync = settings.SyncToDisk ? new AofDiskSync(directory) : null;
    }

    /// <summary>
    /// What the buffer runs after each <c>COMMITAOF</c>, before it acknowledges the call's pings: an fsync of the AOF
    /// (<see cref="AofDiskSync"/>), or null when the settings leave durability to the drive's cache.
    /// </summary>
    public Action? CommitToDisk => _diskSync is null ? null : _diskSync.Sync;

    public int Port { get; }

    public string Password { get; }

    public string ConnectionString => $"127.0.0.1:{Port},password={Password},abortConnect=false";

    public void Dispose()
    {
        _server.Dispose();
        _diskSync?.Dispose();
    }

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

    private static string Bytes(long bytes) => bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan interval) =>
        Math.Max(1, (int)interval.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
