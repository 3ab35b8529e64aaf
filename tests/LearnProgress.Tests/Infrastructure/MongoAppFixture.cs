namespace LearnProgress.Tests.Infrastructure;

/// <summary>
/// The service in production mode: ConnectionStrings:Redis to a real redis-server and ConnectionStrings:Mongo to a
/// database of its own on the run's MongoDB. Further instances on the same servers stand in for a scaled-out API.
/// </summary>
public sealed class MongoAppFixture(MongoServer mongo) : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private string? _mongo;

    public LearnProgressApp App { get; private set; } = null!;

    public void Require()
    {
        mongo.Require();
        _redis.Require();
    }

    public async ValueTask InitializeAsync()
    {
        await _redis.InitializeAsync();
        _mongo = mongo.Available ? mongo.ConnectionStringForNewDatabase() : null;
        App = NewInstance();
    }

    /// <summary>Another API instance against the same Redis and MongoDB.</summary>
    public LearnProgressApp NewInstance() =>
        new(redis: _redis.ConnectionString, settings: new() { ["ConnectionStrings:Mongo"] = _mongo });

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await _redis.DisposeAsync();
    }
}
