namespace LearnProgress.Core.Events;

/// <summary>
/// Events a schedule raises rather than a change of the record (<c>report.weekly</c>): written on their own, each at
/// most once by its deterministic id, into the same log the feed and webhooks read.
/// </summary>
public interface IScheduledEvents
{
    /// <summary>Learners with a stored day from <paramref name="first"/> to <paramref name="last"/> (their own days), by id.</summary>
    Task<IReadOnlyList<string>> LearnersWithDaysAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken = default);

    /// <summary>Which of <paramref name="ids"/> the log holds already.</summary>
    Task<IReadOnlySet<Guid>> StoredAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default);

    /// <summary>Writes the events the log does not hold yet; answers the ones it wrote.</summary>
    Task<IReadOnlyList<LearningEvent>> WriteAsync(IReadOnlyList<LearningEvent> events, CancellationToken cancellationToken = default);
}
