namespace LearnProgress.Core.Events;

/// <summary>An event as the store keeps it: <see cref="Sequence"/> is its place in the order events were written.</summary>
public sealed record StoredEvent(long Sequence, LearningEvent Event);

/// <summary>
/// The events the store wrote with the changes that caused them (the outbox), read in the order they were written,
/// so a consumer that remembers the last sequence it saw misses none.
/// </summary>
public interface IEventLog
{
    Task<IReadOnlyList<StoredEvent>> ReadAfterAsync(long after, int limit, CancellationToken cancellationToken = default);
}
