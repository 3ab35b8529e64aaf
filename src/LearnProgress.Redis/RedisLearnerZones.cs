using LearnProgress.Core;
using StackExchange.Redis;

namespace LearnProgress.Redis;

/// <summary>
/// Each learner's time zone as the field <see cref="RedisKeys.ZoneField"/> of the learner's day-spans hash
/// (<see cref="RedisKeys.Activity"/>): a field costs a few bytes where a key of its own cost about 400, and the zone goes
/// with the learner's other keys when the learner is erased. UTC, every learner's zone until one is set, is stored as
/// an empty value.
/// </summary>
public sealed class RedisLearnerZones(IConnectionMultiplexer redis, RedisKeys keys) : ILearnerZoneCache
{
    /// <summary>How long a zone lives when the learner has no day spans buffered to carry it.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromHours(24);

    private IDatabase Db => redis.GetDatabase();

    private const string Utc = "UTC";

    public async Task<string?> GetAsync(string userId, CancellationToken cancellationToken = default) =>
        await Db.HashGetAsync(keys.Activity(userId), RedisKeys.ZoneField) is { IsNull: false } zone ? (zone.IsNullOrEmpty ? Utc : (string)zone!) : null;

    public Task FillAsync(string userId, string timeZone, CancellationToken cancellationToken = default) => WriteAsync(userId, timeZone, "fill");

    public Task SetAsync(string userId, string timeZone, CancellationToken cancellationToken = default) => WriteAsync(userId, timeZone, "set");

    private async Task WriteAsync(string userId, string timeZone, string mode) =>
        await Db.ScriptEvaluateAsync(LuaScripts.Zone, [keys.Activity(userId)], [timeZone == Utc ? "" : timeZone, mode, (long)Ttl.TotalMilliseconds]);
}
