namespace LearnProgress.Core.Progress;

/// <summary>The buffered state of one (learner, course), as moved from the buffer into the store.</summary>
public sealed record CourseProgressSnapshot(
    string UserId,
    string CourseId,
    IReadOnlyDictionary<string, LectureProgress> Lectures);
