using Hangfire;
using LearnProgress.Api.Learners;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.Events;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Record;

namespace LearnProgress.Api.Reports;

/// <summary>
/// Raises <c>report.weekly</c> for every learner whose last complete week (Monday to Sunday, in the learner's zone) had
/// an active day, once that week has ended for the learner. Its id is derived from learner and week, so a run again,
/// a replay or a second instance adds nothing; the event joins the feed, webhooks and push like any other.
/// </summary>
public sealed partial class WeeklyReportJob(
    IScheduledEvents events, LearningRecord record, LearnerZones zones, WeeklyReportReader reports, IServiceProvider services,
    TimeProvider time, ILogger<WeeklyReportJob> logger)
{
    public const string RecurringJobId = "report-weekly";
    public const string Cron = "5 * * * *";

    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 0, LogEvents = false)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        // Every zone's last complete week lies within these days: zones are at most 14 hours from UTC.
        var first = WeeklyReports.LastCompleteWeek(today.AddDays(-1));
        var candidates = await events.LearnersWithDaysAsync(first, first.AddDays(13), cancellationToken);

        var due = new List<(string UserId, DateOnly Week, TimeZoneInfo Zone)>();
        foreach (var userId in candidates)
        {
            var zone = await zones.GetAsync(userId, cancellationToken);
            due.Add((userId, WeeklyReports.LastCompleteWeek(LearnerClock.Today(time, zone)), zone));
        }
        var raised = await events.StoredAsync(due.Select(d => WeeklyReports.EventId(d.UserId, d.Week)).ToList(), cancellationToken);

        var written = 0;
        foreach (var (userId, week, zone) in due.Where(d => !raised.Contains(WeeklyReports.EventId(d.UserId, d.Week))))
        {
            var days = await record.HeatmapAsync(userId, zone, week.AddDays(6), 7, cancellationToken);
            if (!WeeklyReports.IsActiveWeek(days, week)) continue;
            var report = await reports.ReadAsync(userId, week, cancellationToken);
            var added = await events.WriteAsync([WeeklyReports.Event(userId, report, time.GetUtcNow())], cancellationToken);
            if (added.Count == 0) continue;
            written += added.Count;
            // Listeners (deliveries, pushes) hear of the report as of any other saved event.
            var plan = RecordPlan.Empty with { Events = added };
            foreach (var listener in services.GetServices<IRecordListener>()) listener.OnWritten(plan);
        }
        LogRaised(logger, written, candidates.Count);
        return written;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Weekly reports: {Raised} raised for {Candidates} learners with recent days.")]
    private static partial void LogRaised(ILogger logger, int raised, int candidates);
}
