namespace LearnProgress.Core.Progress;

/// <summary>
/// A validated ping of one learner: ids checked, numbers finite, times inside the accepted window. <see cref="Day"/>
/// is the calendar day of <see cref="ClientTs"/> in the learner's time zone and <see cref="DayStart"/> the client
/// time (epoch ms) at which that day began.
/// </summary>
/// <param name="SegmentStart">Where the playback this ping reports began (seconds); null for a ping of the simplest shape, which claims
/// untimed playback from the lecture's start (see <see cref="PlaybackRules"/>).</param>
/// <param name="SegmentStartTs">Client time (epoch ms) at which playback from <see cref="SegmentStart"/> began.</param>
public sealed record ProgressPing(
    string CourseId,
    string LectureId,
    double WatchTime,
    long ClientTs,
    double? SegmentStart = null,
    string? SessionId = null,
    DateOnly Day = default,
    long? SegmentStartTs = null,
    long DayStart = 0)
{
    /// <summary>What this ping alone says about its lecture: resume, high-water mark and the footage it claims.</summary>
    public LectureProgress ToProgress() =>
        new(WatchTime, ClientTs, WatchTime, PlaybackRules.Claim(this) is { } claim ? claim.Footage : Coverage.Empty);
}
