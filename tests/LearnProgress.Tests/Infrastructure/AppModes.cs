namespace LearnProgress.Tests.Infrastructure;

/// <summary>
/// Where a contract's app runs, one app per test: a contract suite takes a mode, and each mode is one subclass, so the
/// same facts hold in embedded and production mode. A mode whose servers are missing makes no app; the tests then skip
/// with the reason.
/// </summary>
public abstract class AppMode : IAsyncDisposable
{
    /// <summary>Null when the mode's servers are not there.</summary>
    public abstract ValueTask<LearnProgressApp?> CreateAsync(TimeProvider time, Dictionary<string, string?> settings);

    public abstract void Require();

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}

/// <summary>In-process Garnet and a SQLite file.</summary>
public sealed class EmbeddedMode : AppMode
{
    public override ValueTask<LearnProgressApp?> CreateAsync(TimeProvider time, Dictionary<string, string?> settings) =>
        ValueTask.FromResult<LearnProgressApp?>(new LearnProgressApp(time: time, settings: settings));

    public override void Require() { }
}

/// <summary>Production mode: a private redis-server and a database of its own on the run's MongoDB.</summary>
public sealed class MongoMode(MongoServer mongo) : AppMode
{
    private readonly RedisServer _redis = new();

    public override async ValueTask<LearnProgressApp?> CreateAsync(TimeProvider time, Dictionary<string, string?> settings)
    {
        if (!mongo.Available) return null;
        await _redis.InitializeAsync();
        if (!_redis.Available) return null;
        return new LearnProgressApp(redis: _redis.ConnectionString, time: time,
            settings: new(settings) { ["ConnectionStrings:Mongo"] = mongo.ConnectionStringForNewDatabase() });
    }

    public override void Require()
    {
        mongo.Require();
        _redis.Require();
    }

    public override async ValueTask DisposeAsync()
    {
        await _redis.DisposeAsync();
        await base.DisposeAsync();
    }
}
