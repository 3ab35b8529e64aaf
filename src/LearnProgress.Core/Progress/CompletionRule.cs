namespace LearnProgress.Core.Progress;

/// <summary>A lecture is complete when marked so, or when the footage played reaches the threshold of its duration.</summary>
public sealed record CompletionRule(double CoverageThreshold)
{
    public bool IsComplete(LectureProgress progress, double durationSeconds) =>
        progress.Completed || progress.Coverage.FractionOf(durationSeconds) >= CoverageThreshold;
}

/// <summary>Raised once per (learner, lecture) when it becomes complete: the hook for achievements.</summary>
public sealed record LectureCompleted(string UserId, string CourseId, string LectureId, DateOnly Day);
