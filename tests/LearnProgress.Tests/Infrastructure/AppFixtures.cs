namespace LearnProgress.Tests.Infrastructure;

/// <summary>The service in embedded mode: in-process Garnet and SQLite.</summary>
public sealed class EmbeddedAppFixture : IAsyncLifetime
{
    public LearnProgressApp App { get; } = new();

    public ValueTask InitializeAsync()
    {
        _ = App.Server; // start the host (and Garnet) once for the class
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

/// <summary>The service against a real redis-server (ConnectionStrings:Redis) and SQLite.</summary>
public sealed class RedisAppFixture : IAsyncLifetime
{
    private readonly RedisServer _redis = new();

    public LearnProgressApp App { get; private set; } = null!;

    public void Require() => _redis.Require();

    public RedisServer Redis => _redis;

    public async ValueTask InitializeAsync()
    {
        await _redis.InitializeAsync();
        App = new LearnProgressApp(redis: _redis.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await _redis.DisposeAsync();
    }
}
