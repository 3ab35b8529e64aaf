using System.Threading.Channels;
using LearnProgress.Api.Courses;
using LearnProgress.Api.Learners;
using LearnProgress.Core;
using LearnProgress.Core.Achievements;
using LearnProgress.Core.Assessments;
using LearnProgress.Core.Events;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Record;

namespace LearnProgress.Api.Achievements;

/// <summary>
/// Awards achievements from the learner's stored totals. Every saved change queues its learners for a look, and a
/// learner's own read looks too, so an evaluation missed in a crash happens at the learner's next change or read;
/// awards are keyed by learner and achievement, so looking twice awards once.
/// </summary>
public sealed partial class AchievementService(
    AchievementRules rules, IAchievementStore awards, IProgressStore store, IAssessmentStore assessments, CatalogCache catalog, LearnerZones zones,
    TimeProvider time,
    IServiceProvider services, ILogger<AchievementService> logger) : BackgroundService, IRecordListener
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public void OnWritten(RecordPlan plan)
    {
        foreach (var user in plan.Completed.Select(c => c.UserId).Concat(plan.Days.Select(d => d.Key.UserId)).Concat(plan.Runs.Select(r => r.UserId))
                     .Concat(plan.Events.Where(e => e.Type == EventTypes.AttemptSubmitted).Select(e => e.UserId))
                     .Distinct(StringComparer.Ordinal))
            _queue.Writer.TryWrite(user);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var user in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await EvaluateAsync(user, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogEvaluationFailed(logger, user, ex);
            }
        }
    }

    /// <summary>Awards what the learner has reached and answers where every achievement stands.</summary>
    public async Task<IReadOnlyList<AchievementProgress>> EvaluateAsync(string userId, CancellationToken ct)
    {
        var zone = await zones.GetAsync(userId, ct);
        var today = LearnerClock.Today(time, zone);
        var totals = await TotalsAsync(userId, today, ct);
        var earned = await awards.ReadEarnedAsync(userId, ct);
        var newly = rules.NewlyEarned(userId, totals, earned, today, time.GetUtcNow());
        if (newly.Count > 0)
        {
            var added = await awards.AwardAsync(userId, newly, ct);
            if (added.Count > 0)
            {
                // Listeners (deliveries, pushes) hear of awards as of any other saved events.
                var plan = RecordPlan.Empty with { Events = added };
                foreach (var listener in services.GetServices<IRecordListener>().Where(l => !ReferenceEquals(l, this)))
                    listener.OnWritten(plan);
            }
            earned = await awards.ReadEarnedAsync(userId, ct);
        }
        return rules.Progress(totals, earned);
    }

    private async Task<LearnerTotals> TotalsAsync(string userId, DateOnly today, CancellationToken ct)
    {
        var summary = await store.ReadSummaryAsync(userId, today, ct);
        var courses = 0;
        foreach (var (courseId, completed) in await store.ReadCompletedLecturesAsync(userId, ct))
            if (await catalog.GetAsync(courseId, ct) is { Lectures.Count: > 0 } course && course.Lectures.All(l => completed.Contains(l.Id)))
                courses++;
        var attempts = await assessments.ReadLearnerAttemptsAsync(userId, ct);
        return new LearnerTotals(summary.TotalCompleted, courses, summary.LongestStreak, summary.TotalWatchSeconds,
            Mastery.PerSkill(attempts).Count(s => s.Mastered), AchievementRules.QuizImprovement(attempts));
    }

    [LoggerMessage(LogLevel.Error, "Achievements of learner {UserId} could not be evaluated; the next change or read tries again")]
    private static partial void LogEvaluationFailed(ILogger logger, string userId, Exception exception);
}
