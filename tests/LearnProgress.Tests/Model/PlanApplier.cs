using LearnProgress.Core.Learning;
using LearnProgress.Core.Record;

namespace LearnProgress.Tests.Model;

/// <summary>
/// What any store does with a plan, as plain dictionaries: the planner's tests fold plans into it to compare the
/// stored state that different deliveries of the same pings leave behind.
/// </summary>
public sealed class PlanApplier
{
    public Dictionary<CourseKey, Dictionary<string, StoredLecture>> Lectures { get; } = [];
    public Dictionary<DayKey, StoredDay> Days { get; } = [];
    public Dictionary<string, List<DayRun>> Runs { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, TimeZoneInfo> Zones { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, IReadOnlyDictionary<string, double>> Durations { get; } = new(StringComparer.Ordinal);

    public StoredState State => new(
        Lectures.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, StoredLecture>)kv.Value.ToDictionary()),
        Days.ToDictionary(),
        Zones.Keys.Concat(Runs.Keys).Distinct().ToDictionary(u => u,
            u => new StoredLearner(Zones.GetValueOrDefault(u) ?? TimeZoneInfo.Utc, Runs.GetValueOrDefault(u)?.ToList() ?? [])),
        Durations);

    public RecordPlan Apply(RecordPlanner planner, RecordChange change)
    {
        var plan = planner.Plan(change, State);
        foreach (var lecture in plan.ChangedLectures)
        {
            if (!Lectures.TryGetValue(lecture.Course, out var lectures)) Lectures[lecture.Course] = lectures = new(StringComparer.Ordinal);
            lectures[lecture.LectureId] = lecture.After;
        }
        foreach (var day in plan.Days)
            Days[day.Key] = new StoredDay(day.Key.Day, day.Played, day.Seconds, (day.Before?.Marks ?? 0) + day.AddMarks);
        foreach (var runs in plan.Runs)
            Runs[runs.UserId] = runs.After.ToList();
        return plan;
    }

    /// <summary>Everything stored, in a form two states can be compared by.</summary>
    public string Snapshot(bool withCompletionDays = true) => string.Join("\n",
        Lectures.OrderBy(kv => kv.Key.UserId, StringComparer.Ordinal).ThenBy(kv => kv.Key.CourseId, StringComparer.Ordinal)
            .SelectMany(kv => kv.Value.OrderBy(l => l.Key, StringComparer.Ordinal)
                .Select(l => $"{kv.Key.CourseId}/{l.Key}: {l.Value.Progress} {(withCompletionDays ? l.Value.CompletedOn : null)}"))
        .Concat(Days.OrderBy(kv => kv.Key.Day).Select(kv => $"{kv.Key.Day:yyyy-MM-dd}: {kv.Value.Played} {kv.Value.Seconds} {kv.Value.Marks}"))
        .Concat(Runs.OrderBy(kv => kv.Key).Select(kv => $"runs: {string.Join(",", kv.Value.OrderBy(r => r.Start))}")));
}
