using LearnProgress.Core;
using LearnProgress.Core.Catalog;
using Microsoft.Extensions.Caching.Hybrid;

namespace LearnProgress.Api.Courses;

/// <summary>
/// Course metadata for the ping path without a store round trip: in process memory first, then Redis (24 h), then
/// the store. Concurrent misses for one course load it once. Catalog writes on this instance drop the entry at once;
/// other instances see them when their in-memory copy lapses (<see cref="LocalExpiration"/>).
/// </summary>
public sealed class CatalogCache(HybridCache cache, ICourseCatalog store) : ICourseLookup
{
    public static readonly TimeSpan LocalExpiration = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan SharedExpiration = TimeSpan.FromHours(24);

    private static readonly HybridCacheEntryOptions Entry = new()
    {
        Expiration = SharedExpiration,
        LocalCacheExpiration = LocalExpiration,
    };

    public ValueTask<Course?> GetAsync(string courseId, CancellationToken cancellationToken = default) =>
        cache.GetOrCreateAsync(Key(courseId), (store, courseId),
            static (state, ct) => new ValueTask<Course?>(state.store.GetCourseAsync(state.courseId, ct)),
            Entry, cancellationToken: cancellationToken);

    ValueTask<Course?> ICourseLookup.FindAsync(string courseId, CancellationToken cancellationToken) => GetAsync(courseId, cancellationToken);

    public ValueTask InvalidateAsync(string courseId, CancellationToken cancellationToken = default) =>
        cache.RemoveAsync(Key(courseId), cancellationToken);

    private static string Key(string courseId) => $"catalog:course:{courseId}";
}
