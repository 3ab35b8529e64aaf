namespace LearnProgress.Core.Progress;

/// <summary>The buffered state of one (learner, course), as moved from the buffer into the store.</summary>
public sealed record CourseProgressSnapshot(
    string UserId,
    string CourseId,
    IReadOnlyDictionary<string, LectureProgress> Lectures);

/// <summary>A learner's played seconds per day (totals, not increments), as moved from the buffer into the store.</summary>
public sealed record ActivitySnapshot(string UserId, IReadOnlyDictionary<DateOnly, double> Seconds);

/// <summary>What one flush of one bucket hands to the store.</summary>
public sealed record FlushBatch(IReadOnlyList<CourseProgressSnapshot> Progress, IReadOnlyList<ActivitySnapshot> Activity)
{
    public int Count => Progress.Count + Activity.Count;
}
