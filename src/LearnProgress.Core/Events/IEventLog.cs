namespace LearnProgress.Core.Events;

/// <summary>An event as the store keeps it: <see cref="Sequence"/> is its place in the order events were written.</summary>
public sealed record StoredEvent(long Sequence, LearningEvent Event);

/// <summary>
/// A page of the log: its events, and <see cref="Next"/>, the cursor to read on from. <see cref="Next"/> is past the
/// last event and past any erased places read after it, so a page of erased places only still moves the cursor on.
/// </summary>
public sealed record EventLogPage(IReadOnlyList<StoredEvent> Events, long Next);

/// <summary>
/// The events the store wrote with the changes that caused them (the outbox), read in the order they were written,
/// so a consumer that remembers the last sequence it saw misses none.
/// </summary>
public interface IEventLog
{
    /// <summary>
    /// Up to <paramref name="limit"/> events after <paramref name="after"/>; fewer only when the log has no more that
    /// may be read yet. The places of erased events are passed over, never waited at.
    /// </summary>
    Task<EventLogPage> ReadAfterAsync(long after, int limit, CancellationToken cancellationToken = default);
}
