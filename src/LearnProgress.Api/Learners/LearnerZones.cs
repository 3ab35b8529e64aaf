using LearnProgress.Core;
using LearnProgress.Core.Learning;
using Microsoft.Extensions.Caching.Hybrid;

namespace LearnProgress.Api.Learners;

/// <summary>
/// Each learner's time zone, for the ping path without a store round trip: cached in memory, then in Redis, then
/// read from the store; UTC until the learner sets one.
/// </summary>
public sealed class LearnerZones(HybridCache cache, ILearnerSettings store)
{
    private static readonly HybridCacheEntryOptions Entry = new()
    {
        Expiration = TimeSpan.FromHours(24),
        LocalCacheExpiration = TimeSpan.FromMinutes(5),
    };

    public async ValueTask<TimeZoneInfo> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        var id = await cache.GetOrCreateAsync(Key(userId), (store, userId),
            static async (state, ct) => await state.store.GetTimeZoneAsync(state.userId, ct) ?? "UTC",
            Entry, cancellationToken: cancellationToken);
        return LearnerClock.TryFindZone(id, out var zone) ? zone : TimeZoneInfo.Utc;
    }

    public async Task SetAsync(string userId, string timeZone, CancellationToken cancellationToken = default)
    {
        await store.SetTimeZoneAsync(userId, timeZone, cancellationToken);
        await cache.RemoveAsync(Key(userId), cancellationToken);
    }

    /// <summary>Drops the cached zone of an erased learner, in memory and in Redis.</summary>
    public ValueTask ForgetAsync(string userId, CancellationToken cancellationToken = default) => cache.RemoveAsync(Key(userId), cancellationToken);

    private static string Key(string userId) => $"learner:zone:{userId}";
}
