using LearnProgress.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using MongoDB.Bson;
using MongoDB.Driver;
using Microsoft.Extensions.DependencyInjection;

namespace LearnProgress.Tests.Api;

/// <summary>Every row of every SQLite table whose any column names the learner.</summary>
internal static class SqliteTraces
{
    public static async Task<List<string>> FindAsync(string dataDirectory, string userId)
    {
        var found = new List<string>();
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "learnprogress.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var command = new SqliteCommand("SELECT name FROM sqlite_master WHERE type = 'table'", connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        Assert.Contains("lecture_progress", tables);
        foreach (var table in tables)
        {
            var columns = new List<string>();
            await using (var command = new SqliteCommand($"SELECT name FROM pragma_table_info('{table}')", connection))
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync()) columns.Add(reader.GetString(0));
            var where = string.Join(" OR ", columns.Select(c => $"instr(CAST(\"{c}\" AS TEXT), @user) > 0"));
            // The one row that may name the learner afterwards is the learner.erased event announcing the erase.
            if (table == "events") where = $"({where}) AND type <> 'learner.erased'";
            await using var count = new SqliteCommand($"SELECT COUNT(*) FROM \"{table}\" WHERE {where}", connection);
            count.Parameters.AddWithValue("@user", userId);
            if ((long)(await count.ExecuteScalarAsync())! > 0) found.Add(table);
        }
        return found;
    }
}

/// <summary>Embedded mode: in-process Garnet and SQLite.</summary>
public sealed class EmbeddedDataRightsTests : DataRightsContract
{
    protected override ValueTask<LearnProgressApp?> CreateAppAsync() => ValueTask.FromResult<LearnProgressApp?>(new LearnProgressApp(time: Clock, settings: WithCredentialKey()));
    protected override void RequireServer() { }
    protected override Task<List<string>> StoreTracesAsync(string userId) => SqliteTraces.FindAsync(App.DataDirectory, userId);
}

/// <summary>A real redis-server for the buffer and SQLite.</summary>
public sealed class RedisDataRightsTests : DataRightsContract
{
    private readonly RedisServer _redis = new();

    protected override async ValueTask<LearnProgressApp?> CreateAppAsync()
    {
        await _redis.InitializeAsync();
        return new LearnProgressApp(redis: _redis.ConnectionString, time: Clock, settings: WithCredentialKey());
    }

    protected override void RequireServer() => _redis.Require();
    protected override Task<List<string>> StoreTracesAsync(string userId) => SqliteTraces.FindAsync(App.DataDirectory, userId);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _redis.DisposeAsync();
    }
}

/// <summary>Production mode: redis-server and MongoDB (skipped with the reason when no MongoDB answers).</summary>
public sealed class MongoDataRightsTests(MongoServer mongo) : DataRightsContract
{
    private readonly RedisServer _redis = new();

    protected override async ValueTask<LearnProgressApp?> CreateAppAsync()
    {
        await _redis.InitializeAsync();
        return new LearnProgressApp(redis: _redis.ConnectionString, time: Clock,
            settings: WithCredentialKey(new() { ["ConnectionStrings:Mongo"] = mongo.Available ? mongo.ConnectionStringForNewDatabase() : null }));
    }

    protected override void RequireServer()
    {
        mongo.Require();
        _redis.Require();
    }

    /// <summary>Every document of every collection whose JSON names the learner.</summary>
    protected override async Task<List<string>> StoreTracesAsync(string userId)
    {
        var database = App.Services.GetRequiredService<IMongoDatabase>();
        var found = new List<string>();
        foreach (var name in await (await database.ListCollectionNamesAsync()).ToListAsync())
            foreach (var document in await database.GetCollection<BsonDocument>(name).Find(FilterDefinition<BsonDocument>.Empty).ToListAsync())
                if (document.ToJson().Contains(userId, StringComparison.Ordinal) && document.GetValue("type", "").ToString() != "learner.erased") found.Add(name);
        return found;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _redis.DisposeAsync();
    }
}
