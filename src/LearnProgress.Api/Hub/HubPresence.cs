using System.Collections.Concurrent;
using StackExchange.Redis;

namespace LearnProgress.Api.Hub;

/// <summary>
/// Which learners have a hub connection on any instance, so a ping of a learner nobody listens to costs nothing
/// beyond its script call: no read of the merged state, no backplane message. Each instance counts its own
/// connections and, with a shared Redis, announces its learners on connect and every <see cref="Announce"/>;
/// a learner not announced for three rounds is taken as gone.
/// </summary>
public sealed class HubPresence : BackgroundService
{
    public static readonly TimeSpan Announce = TimeSpan.FromSeconds(20);
    private readonly ConcurrentDictionary<string, int> _local = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _remote = new(StringComparer.Ordinal);
    private readonly ISubscriber? _subscriber;
    private readonly RedisChannel _channel;
    private readonly TimeProvider _time;

    public HubPresence(IServiceProvider services, TimeProvider time, Microsoft.Extensions.Options.IOptions<HubOptions> options, bool shared)
    {
        _time = time;
        _channel = RedisChannel.Literal(options.Value.ChannelPrefix + ":presence");
        if (!shared) return;
        _subscriber = services.GetRequiredService<IConnectionMultiplexer>().GetSubscriber();
    }

    public bool IsListening(string userId) =>
        _local.ContainsKey(userId) || (_remote.TryGetValue(userId, out var seen) && _time.GetUtcNow() - seen < 3 * Announce);

    public void Connected(string userId)
    {
        _local.AddOrUpdate(userId, 1, (_, n) => n + 1);
        try
        {
            _subscriber?.Publish(_channel, userId, CommandFlags.FireAndForget);
        }
        catch (RedisException)
        {
            // Redis is away; the periodic announcement tells the other instances once it is back.
        }
    }

    public void Disconnected(string userId)
    {
        if (_local.AddOrUpdate(userId, 0, (_, n) => n - 1) <= 0) _local.TryRemove(new KeyValuePair<string, int>(userId, 0));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_subscriber is null) return;
        // Subscribed here, not at construction, so the service starts (and becomes ready later) while Redis is down.
        while (true)
        {
            try
            {
                await _subscriber.SubscribeAsync(_channel, (_, message) =>
                {
                    var now = _time.GetUtcNow();
                    foreach (var user in ((string?)message ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)) _remote[user] = now;
                });
                break;
            }
            catch (RedisException)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
        using var timer = new PeriodicTimer(Announce);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var chunk in _local.Keys.Chunk(1_000))
                    await _subscriber.PublishAsync(_channel, string.Join('\n', chunk));
            }
            catch (RedisException)
            {
                continue;
            }
            var cutoff = _time.GetUtcNow() - 3 * Announce;
            foreach (var (user, seen) in _remote)
                if (seen < cutoff) _remote.TryRemove(new KeyValuePair<string, DateTimeOffset>(user, seen));
        }
    }
}
