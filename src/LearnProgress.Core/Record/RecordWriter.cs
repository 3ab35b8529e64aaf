using LearnProgress.Core.Events;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Telemetry;

namespace LearnProgress.Core.Record;

/// <summary>
/// Writes a change to the learning record: the store loads and saves, the planners decide the change and the events
/// it causes (saved with it), and listeners hear of both once the store has committed. Listeners are a prompt, not
/// the record: what they miss in a crash is in the store's event log.
/// </summary>
public sealed class RecordWriter(
    IProgressStore store, RecordPlanner planner, EventPlanner events, IEnumerable<IRecordListener> listeners, ProgressMetrics metrics,
    Leaderboards.ILeaderboards boards)
{
    public async Task<RecordPlan> WriteAsync(RecordChange change, CancellationToken cancellationToken = default)
    {
        var plan = await store.ApplyAsync(change, stored =>
        {
            var planned = events.Attach(planner.Plan(change, stored), stored);
            return planned with { Boards = Leaderboards.Boards.Scores(planned, stored) };
        }, cancellationToken);
        // After the commit: a failure here fails the write, and the replay that follows sets the same absolute totals.
        if (plan.Boards.Count > 0) await boards.WriteAsync(plan.Boards, cancellationToken);
        metrics.StoreWritten(plan.ChangedLectures.Count() + plan.Days.Count);
        foreach (var listener in listeners)
            listener.OnWritten(plan);
        return plan;
    }
}

/// <summary>Hears of each saved plan (and the events it carries) right after the store committed it; must not block.</summary>
public interface IRecordListener
{
    void OnWritten(RecordPlan plan);
}
