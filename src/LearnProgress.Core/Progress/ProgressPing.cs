namespace LearnProgress.Core.Progress;

/// <summary>A validated ping of one learner: ids checked, numbers finite, time inside the accepted window.</summary>
public sealed record ProgressPing(string CourseId, string LectureId, double WatchTime, long ClientTs)
{
    public LectureProgress ToProgress() => LectureProgress.FromPing(WatchTime, ClientTs);
}
