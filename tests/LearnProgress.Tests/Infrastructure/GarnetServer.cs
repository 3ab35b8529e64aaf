using LearnProgress.Redis;
using StackExchange.Redis;

namespace LearnProgress.Tests.Infrastructure;

/// <summary>In-process Garnet for one test class, configured exactly as the embedded mode runs it.</summary>
public sealed class GarnetServer : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private EmbeddedGarnet? _garnet;

    public IConnectionMultiplexer Connection { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _garnet = new EmbeddedGarnet(Path.Combine(_directory.Path, "garnet"));
        Connection = await ConnectionMultiplexer.ConnectAsync(_garnet.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null) await Connection.DisposeAsync();
        _garnet?.Dispose();
        _directory.Dispose();
    }
}
