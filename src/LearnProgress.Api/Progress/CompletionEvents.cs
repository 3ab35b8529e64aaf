using LearnProgress.Core.Record;
using LearnProgress.Core.Progress;

namespace LearnProgress.Api.Progress;

/// <summary>In-process completion events: each completion a saved plan holds is logged and handed to whoever subscribed.</summary>
public sealed partial class CompletionEvents(ILogger<CompletionEvents> logger) : IRecordListener
{
    public event Action<LectureCompleted>? Completed;

    public void OnWritten(RecordPlan plan)
    {
        foreach (var completed in plan.Completed)
        {
            LogCompleted(logger, completed.UserId, completed.CourseId, completed.LectureId, completed.Day);
            Completed?.Invoke(completed);
        }
    }

    [LoggerMessage(LogLevel.Information, "Learner {UserId} completed {CourseId}/{LectureId} on {Day}")]
    private static partial void LogCompleted(ILogger logger, string userId, string courseId, string lectureId, DateOnly day);
}
