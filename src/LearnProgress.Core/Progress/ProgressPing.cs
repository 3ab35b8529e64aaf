namespace LearnProgress.Core.Progress;

/// <summary>
/// A validated ping of one learner: ids checked, numbers finite, time inside the accepted window. <see cref="Day"/>
/// is the calendar day of <see cref="ClientTs"/> in the learner's time zone.
/// </summary>
public sealed record ProgressPing(
    string CourseId,
    string LectureId,
    double WatchTime,
    long ClientTs,
    double? SegmentStart = null,
    string? SessionId = null,
    DateOnly Day = default)
{
    public LectureProgress ToProgress() => new(WatchTime, ClientTs, WatchTime);
}
