using Dapper;
using Microsoft.Data.Sqlite;

namespace LearnProgress.Sqlite;

/// <summary>The embedded store's file: its schema, its connections, and the one writer SQLite takes at a time.</summary>
public sealed class SqliteDatabase : IDisposable
{
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(5);

    private readonly string _connectionString;
    private readonly string _pragmas;

    // SQLite takes one writer at a time. Writers queue here rather than in SQLite's busy handler, which retries by
    // sleeping, so parallel flushes of several buckets wait their turn instead of idling in retries.
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <param name="syncToDisk">Commits reach stable storage before they return (synchronous=FULL), or only at checkpoints.</param>
    public SqliteDatabase(string databasePath, bool syncToDisk = true)
    {
        _pragmas = Schema.ConnectionPragmas(syncToDisk);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // A locked file fails a write after a few seconds rather than holding a flush or a request for long.
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
        using var connection = Open();
        connection.Execute(Schema.Create);
        foreach (var (table, column, statement) in Schema.Upgrades)
            if (connection.ExecuteScalar<long>(Schema.HasColumn, new { table, column }) == 0)
                connection.Execute(statement);
        connection.Execute(Schema.CreateIndexes);
        connection.Execute(SqliteWebhookStore.Create);
        foreach (var (table, column, statement) in SqliteWebhookStore.Upgrades)
            if (connection.ExecuteScalar<long>(Schema.HasColumn, new { table, column }) == 0)
                connection.Execute(statement);
        connection.Execute(SqliteAchievementStore.Create);
        connection.Execute(SqliteCertificationStore.Create);
    }

    // Busy, locked, read-only, I/O error, full, can't open: the file or its lock, not the data and not the request.
    private static readonly HashSet<int> UnavailableCodes = [5, 6, 8, 10, 13, 14];

    /// <summary>Whether an error says the store cannot take a write now (as opposed to refusing this data).</summary>
    public static bool IsUnavailable(SqliteException error) => UnavailableCodes.Contains(error.SqliteErrorCode & 0xFF);

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        connection.Execute(_pragmas);
        return connection;
    }

    public async Task<IDisposable> WriteLockAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        return new Releaser(_writeLock);
    }

    public void Dispose() => _writeLock.Dispose();

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
