using LearnProgress.Core.Record;
using LearnProgress.Core.Progress;

namespace LearnProgress.Api.Progress;

/// <summary>In-process completion events: each completion is logged and handed to whoever subscribed.</summary>
public sealed class CompletionEvents(ILogger<CompletionEvents> logger) : ICompletionListener
{
    public event Action<LectureCompleted>? Completed;

    public void OnCompleted(LectureCompleted completed)
    {
        logger.LogInformation("Learner {UserId} completed {CourseId}/{LectureId} on {Day}",
            completed.UserId, completed.CourseId, completed.LectureId, completed.Day);
        Completed?.Invoke(completed);
    }
}
