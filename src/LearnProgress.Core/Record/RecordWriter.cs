using LearnProgress.Core.Progress;
using LearnProgress.Core.Telemetry;

namespace LearnProgress.Core.Record;

/// <summary>Writes a change to the learning record: the store loads and saves, the planner decides, completions are announced.</summary>
public sealed class RecordWriter(IProgressStore store, RecordPlanner planner, ICompletionListener completions, ProgressMetrics metrics)
{
    public async Task<RecordPlan> WriteAsync(RecordChange change, CancellationToken cancellationToken = default)
    {
        var plan = await store.ApplyAsync(change, stored => planner.Plan(change, stored), cancellationToken);
        metrics.StoreWritten(plan.ChangedLectures.Count() + plan.Days.Count);
        foreach (var completed in plan.Completed)
            completions.OnCompleted(completed);
        return plan;
    }
}

/// <summary>Hears each lecture completion once, whichever way it happened.</summary>
public interface ICompletionListener
{
    void OnCompleted(LectureCompleted completed);
}
