using LearnProgress.Core.Record;

namespace LearnProgress.Core.Events;

/// <summary>
/// Decides the events a planned change causes, from the plan and the state it was planned on: each new lecture
/// completion, a course whose every catalog lecture is now complete, and a run of active days that crosses a
/// milestone length, and a week that meets its goal. A plan that changes nothing causes nothing, so a replay adds no event; the ids are
/// deterministic besides, so a fact decided twice is still one event.
/// </summary>
public sealed class EventPlanner(TimeProvider time, IReadOnlyList<int> streakMilestones)
{
    public static readonly IReadOnlyList<int> DefaultMilestones = [3, 7, 30, 100, 365];

    public IReadOnlyList<int> StreakMilestones => streakMilestones;

    public RecordPlan Attach(RecordPlan plan, StoredState stored)
    {
        var now = time.GetUtcNow();
        var events = new List<LearningEvent>();
        foreach (var c in plan.Completed)
            events.Add(LearningEvent.Create(EventTypes.LectureCompleted, c.UserId, $"{c.CourseId}/{c.LectureId}", now,
                new LectureCompletedData(c.UserId, c.CourseId, c.LectureId, c.Day)));

        foreach (var course in plan.Completed.GroupBy(c => new CourseKey(c.UserId, c.CourseId)))
        {
            if (stored.Durations.GetValueOrDefault(course.Key.CourseId) is not { Count: > 0 } lectures) continue;
            var planned = plan.Lectures.Where(l => l.Course == course.Key).ToDictionary(l => l.LectureId, l => l.After, StringComparer.Ordinal);
            var storedLectures = stored.Lectures.GetValueOrDefault(course.Key);
            bool Complete(string lecture) =>
                (planned.GetValueOrDefault(lecture) ?? storedLectures?.GetValueOrDefault(lecture))?.Completed == true;
            if (!lectures.Keys.All(Complete)) continue;
            var day = course.Max(c => c.Day);
            events.Add(LearningEvent.Create(EventTypes.CourseCompleted, course.Key.UserId, course.Key.CourseId, now,
                new CourseCompletedData(course.Key.UserId, course.Key.CourseId, day, lectures.Count)));
        }

        foreach (var runs in plan.Runs)
            foreach (var run in runs.Added)
            {
                // The longest run this one grew from (a day added, or two runs joined by a late day).
                var grownFrom = runs.Before.Where(b => b.Start >= run.Start && b.End <= run.End).Select(b => b.Length).DefaultIfEmpty(0).Max();
                foreach (var length in streakMilestones.Where(m => run.Length >= m && grownFrom < m))
                    events.Add(LearningEvent.Create(EventTypes.StreakMilestone, runs.UserId,
                        $"{length}/{run.Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}", now,
                        new StreakMilestoneData(runs.UserId, length, run.Start, run.Start.AddDays(length - 1))));
            }
        events.AddRange(Goals.GoalEvents.Decide(plan, stored, now));
        return events.Count == 0 ? plan : plan with { Events = events };
    }
}
