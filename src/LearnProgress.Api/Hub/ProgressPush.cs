using System.Text.Json;
using System.Threading.Channels;
using LearnProgress.Api.Courses;
using LearnProgress.Api.Learners;
using LearnProgress.Core.Events;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;
using Microsoft.AspNetCore.SignalR;

namespace LearnProgress.Api.Hub;

/// <summary>
/// Sends pushes off the request path: a handler only queues (no await, no I/O); this worker reads the merged
/// state and sends it through the hub (and its Redis backplane in production). Pushes for the same learner,
/// course and lecture queued meanwhile are sent once, with the latest state.
/// </summary>
public sealed partial class ProgressPush(
    IHubContext<ProgressHub> hub, HubPresence presence, CatalogCache catalog, LearnerZones zones, LearningRecord record, ILogger<ProgressPush> logger)
    : BackgroundService, IRecordListener
{
    public sealed record ProgressUpdated(string CourseId, string LectureId, double Position, double Furthest, double Coverage, bool Completed,
        long UpdatedAt, string? OriginSessionId);

    private readonly record struct Work(string UserId, string CourseId, string LectureId, string? SessionId);

    private readonly Channel<Work> _queue = Channel.CreateBounded<Work>(
        new BoundedChannelOptions(100_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>Queues a <c>progressUpdated</c> for an accepted ping when the learner listens; never blocks.</summary>
    public void Accepted(string userId, ProgressPing ping)
    {
        if (presence.IsListening(userId)) _queue.Writer.TryWrite(new Work(userId, ping.CourseId, ping.LectureId, ping.SessionId));
    }

    public void OnWritten(RecordPlan plan)
    {
        foreach (var e in plan.Events)
        {
            var method = e.Type switch
            {
                EventTypes.LectureCompleted => ProgressHub.LectureCompleted,
                EventTypes.AchievementAwarded => ProgressHub.AchievementAwarded,
                EventTypes.AttemptSubmitted => ProgressHub.AttemptSubmitted,
                EventTypes.QuizPassed => ProgressHub.QuizPassed,
                EventTypes.SkillMastered => ProgressHub.SkillMastered,
                EventTypes.GoalMet => ProgressHub.GoalMet,
                _ => null,
            };
            if (method is null || !presence.IsListening(e.UserId)) continue;
            var data = JsonDocument.Parse(e.Data).RootElement.Clone();
            _ = SendAsync(e.UserId, method, data);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new Dictionary<(string, string, string), Work>();
        while (await _queue.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < 1_000 && _queue.Reader.TryRead(out var work))
                batch[(work.UserId, work.CourseId, work.LectureId)] = work;
            foreach (var group in batch.Values.GroupBy(w => (w.UserId, w.CourseId)))
            {
                try
                {
                    await PushProgressAsync(group.Key.UserId, group.Key.CourseId, group, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPushFailed(logger, group.Key.UserId, ex);
                }
            }
        }
    }

    private async Task PushProgressAsync(string userId, string courseId, IEnumerable<Work> lectures, CancellationToken ct)
    {
        if (await catalog.GetAsync(courseId, ct) is not { } course) return;
        var view = await record.CourseAsync(userId, course, await zones.GetAsync(userId, ct), ct);
        foreach (var work in lectures)
        {
            if (!view.Lectures.TryGetValue(work.LectureId, out var lecture)) continue;
            await hub.Clients.User(userId).SendAsync(ProgressHub.ProgressUpdated, new ProgressUpdated(courseId, work.LectureId, lecture.Position,
                lecture.Furthest, lecture.Coverage, lecture.Completed, lecture.UpdatedAt, work.SessionId), ct);
        }
    }

    private async Task SendAsync(string userId, string method, JsonElement data)
    {
        try
        {
            await hub.Clients.User(userId).SendAsync(method, data);
        }
        catch (Exception ex)
        {
            LogPushFailed(logger, userId, ex);
        }
    }

    [LoggerMessage(LogLevel.Warning, "A push to learner {UserId} failed; the learner's next read shows the state")]
    private static partial void LogPushFailed(ILogger logger, string userId, Exception exception);
}
