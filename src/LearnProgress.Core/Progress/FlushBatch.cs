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
}
