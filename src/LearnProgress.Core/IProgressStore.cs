using LearnProgress.Core.Record;

namespace LearnProgress.Core;

/// <summary>
/// The durable side: the learning record. It loads what a change needs, hands it to the planner, and saves the plan
/// it gets back; every total it answers is derived from what it holds, so nothing is counted twice on a replay.
/// </summary>
public interface IProgressStore
{
    /// <summary>
    /// Loads the stored state of the change's keys, plans the change on it with <paramref name="plan"/> and saves the
    /// plan atomically (or, where the store has no transaction, with guards that make a concurrent writer plan again).
    /// Returns the plan that was saved.
    /// </summary>
    Task<RecordPlan> ApplyAsync(RecordChange change, Func<StoredState, RecordPlan> plan, CancellationToken cancellationToken = default);

    /// <summary>Stored lectures of some of the learner's courses, by course then lecture; a course without any is left out.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, StoredLecture>>> ReadLecturesAsync(
        string userId, IReadOnlyCollection<string> courseIds, CancellationToken cancellationToken = default);

    /// <summary>Stored days with any activity from <paramref name="first"/> to <paramref name="last"/>, oldest first.</summary>
    Task<IReadOnlyList<StoredDay>> ReadDaysAsync(string userId, DateOnly first, DateOnly last, CancellationToken cancellationToken = default);

    /// <summary>
    /// The learner's totals, longest streak and the runs of active days that end on or after
    /// <paramref name="runsEndingFrom"/>, plus always the latest run.
    /// </summary>
    Task<LearnerSummary> ReadSummaryAsync(string userId, DateOnly runsEndingFrom, CancellationToken cancellationToken = default);

    /// <summary>Every course the learner has stored progress in, with its completed lectures.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadCompletedLecturesAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Throws when the store cannot be reached.</summary>
    Task CheckAsync(CancellationToken cancellationToken = default);
}
