namespace LearnProgress.Core;

/// <summary>
/// A shared copy of each learner's time zone, kept beside the learner's buffered state, so that no instance reads the
/// store for it on the ping path. The store (<see cref="ILearnerSettings"/>) stays the zone's system of record.
/// </summary>
public interface ILearnerZoneCache
{
    /// <summary>The cached zone id, or null when none is cached.</summary>
    Task<string?> GetAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Caches a zone read from the store, unless a zone was set meanwhile (that one is newer).</summary>
    Task FillAsync(string userId, string timeZone, CancellationToken cancellationToken = default);

    /// <summary>Caches a zone just written to the store, replacing any cached one.</summary>
    Task SetAsync(string userId, string timeZone, CancellationToken cancellationToken = default);
}
