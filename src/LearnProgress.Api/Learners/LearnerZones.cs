using LearnProgress.Core;
using LearnProgress.Core.Learning;
using Microsoft.Extensions.Caching.Hybrid;

namespace LearnProgress.Api.Learners;

/// <summary>
/// Each learner's time zone, for the ping path without a store round trip: cached in memory, then beside the learner's
/// buffered state in Redis (<see cref="ILearnerZoneCache"/>), then read from the store; UTC until the learner sets one.
/// </summary>
public sealed class LearnerZones(HybridCache cache, ILearnerZoneCache shared, ILearnerSettings store)
{
    /// <summary>Memory only: the shared copy is <see cref="ILearnerZoneCache"/>, a field rather than a key per learner.</summary>
    private static readonly HybridCacheEntryOptions Entry = new()
    {
        Expiration = TimeSpan.FromMinutes(5),
        LocalCacheExpiration = TimeSpan.FromMinutes(5),
        Flags = HybridCacheEntryFlags.DisableDistributedCache,
    };

    public async ValueTask<TimeZoneInfo> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        var id = await cache.GetOrCreateAsync(Key(userId), (shared, store, userId),
            static async (state, ct) =>
            {
                if (await state.shared.GetAsync(state.userId, ct) is { } cached) return cached;
                var stored = await state.store.GetTimeZoneAsync(state.userId, ct) ?? "UTC";
                await state.shared.FillAsync(state.userId, stored, ct);
                return stored;
            },
            Entry, cancellationToken: cancellationToken);
        return LearnerClock.TryFindZone(id, out var zone) ? zone : TimeZoneInfo.Utc;
    }

    public async Task SetAsync(string userId, string timeZone, CancellationToken cancellationToken = default)
    {
        await store.SetTimeZoneAsync(userId, timeZone, cancellationToken);
        await shared.SetAsync(userId, timeZone, cancellationToken);
        await cache.RemoveAsync(Key(userId), cancellationToken);
    }

    /// <summary>
    /// Drops the cached zone of an erased learner from memory; the shared copy goes with the learner's buffered state.
    /// The remove also reaches the shared cache, where versions before the zone moved kept it under this same key.
    /// </summary>
    public ValueTask ForgetAsync(string userId, CancellationToken cancellationToken = default) => cache.RemoveAsync(Key(userId), cancellationToken);

    private static string Key(string userId) => $"learner:zone:{userId}";
}
