namespace LearnProgress.Core.Progress;

/// <summary>The buffered state of one (learner, course), as moved from the buffer into the store.</summary>
public sealed record CourseProgressSnapshot(
    string UserId,
    string CourseId,
    IReadOnlyDictionary<string, LectureProgress> Lectures);

/// <summary>
/// A learner's buffered playing time per day: for each day, the spans (seconds since the day's start) during which
/// the learner was playing. Spans, not sums, so merging them again changes nothing.
/// </summary>
public sealed record ActivitySnapshot(string UserId, IReadOnlyDictionary<DateOnly, Coverage> Played);

/// <summary>What one flush of one bucket hands to the store.</summary>
public sealed record FlushBatch(IReadOnlyList<CourseProgressSnapshot> Progress, IReadOnlyList<ActivitySnapshot> Activity)
{
    public int Count => Progress.Count + Activity.Count;

    public IEnumerable<string> Users => Progress.Select(p => p.UserId).Concat(Activity.Select(a => a.UserId)).Distinct(StringComparer.Ordinal);

    /// <summary>The part of the batch that belongs to one learner.</summary>
    public FlushBatch Of(string userId) => new(
        Progress.Where(p => p.UserId == userId).ToList(), Activity.Where(a => a.UserId == userId).ToList());
}

/// <summary>A learner whose buffered state could not be written; it stays in the buffer and is tried again later.</summary>
public sealed record HeldLearner(string UserId, string Reason);

/// <summary>What one bucket's flush did: keys written, and learners held back for a later attempt.</summary>
public sealed record BucketFlush(int Keys, IReadOnlyList<HeldLearner> Held);
