using LearnProgress.Core.Learning;
using LearnProgress.Core.Record;

namespace LearnProgress.Core.DataRights;

/// <summary>What the store holds about one learner, unmerged: the buffer is laid over it by <see cref="LearnerDataRights"/>.</summary>
public sealed record LearnerHoldings(
    string? TimeZone,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, StoredLecture>> Lectures,
    IReadOnlyList<StoredDay> Days,
    IReadOnlyList<DayRun> Runs)
{
    public static readonly LearnerHoldings None = new(null, new Dictionary<string, IReadOnlyDictionary<string, StoredLecture>>(), [], []);
}

/// <summary>
/// A learner was erased. Returned by the erase as the one place where the <c>learner.erased</c> event (the learner's
/// id only) is raised once events are written with their cause.
/// </summary>
public sealed record LearnerErased(string UserId, DateTimeOffset ErasedAt);
