using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;

namespace LearnProgress.Core.Record;

/// <summary>
/// Decides what a change writes: the merged state of every lecture it touches, each new completion and its day,
/// each day's spans and seconds, and the runs of active days. Stores load and save; they decide nothing. Planning the
/// same change again over what it wrote gives a plan that changes nothing.
/// </summary>
public sealed class RecordPlanner(CompletionRule rule)
{
    public RecordPlan Plan(RecordChange change, StoredState stored)
    {
        var lectures = new List<LecturePlan>();
        var completed = new List<LectureCompleted>();
        var activeDays = new Dictionary<string, SortedSet<DateOnly>>(StringComparer.Ordinal);
        void Active(string user, DateOnly day)
        {
            if (!activeDays.TryGetValue(user, out var days)) activeDays[user] = days = [];
            days.Add(day);
        }

        var incoming = new Dictionary<(CourseKey Course, string Lecture), (LectureProgress Progress, DateOnly? Day)>();
        foreach (var snapshot in change.Progress)
            foreach (var (lecture, progress) in snapshot.Lectures)
                Put(incoming, (new CourseKey(snapshot.UserId, snapshot.CourseId), lecture), progress, null);
        foreach (var completion in change.Completions)
            Put(incoming, (new CourseKey(completion.UserId, completion.CourseId), completion.LectureId),
                new LectureProgress(0, 0, 0, Coverage.Empty, Completed: true), completion.Day);

        foreach (var ((course, lecture), (progress, explicitDay)) in incoming.OrderBy(e => e.Key.Course.UserId, StringComparer.Ordinal)
                     .ThenBy(e => e.Key.Course.CourseId, StringComparer.Ordinal).ThenBy(e => e.Key.Lecture, StringComparer.Ordinal))
        {
            var before = stored.Lectures.GetValueOrDefault(course)?.GetValueOrDefault(lecture);
            double? duration = stored.Durations.GetValueOrDefault(course.CourseId)?.TryGetValue(lecture, out var d) == true ? d : null;
            var after = RecordRules.MergeLecture(before, progress, duration, Zone(stored, course.UserId), rule, explicitDay);
            lectures.Add(new LecturePlan(course, lecture, after, before));
            if (after.CompletedOn is not { } on) continue;
            if (before?.Completed != true) completed.Add(new LectureCompleted(course.UserId, course.CourseId, lecture, on));
            // A stored completion's day is folded in again too (a no-op when it is in a run already), so a store that
            // saved the lecture but not the runs heals with the next change of that lecture.
            Active(course.UserId, on);
        }

        var days = new Dictionary<DayKey, DayPlan>();
        foreach (var activity in change.Activity)
            foreach (var (day, played) in activity.Played)
            {
                var key = new DayKey(activity.UserId, day);
                var before = stored.Days.GetValueOrDefault(key);
                var buffered = days.TryGetValue(key, out var earlier) ? earlier.Played.Union(played) : played;
                var (merged, seconds) = RecordRules.MergeDay(before, buffered);
                days[key] = new DayPlan(key, merged, seconds, 0, before);
                if (seconds >= DayActivity.ActiveSeconds) Active(key.UserId, day);
            }
        foreach (var (key, requestKey) in change.Marks)
        {
            var before = stored.Days.GetValueOrDefault(key);
            var plan = days.GetValueOrDefault(key) ?? new DayPlan(key, before?.Played ?? Coverage.Empty, before?.Seconds ?? 0, 0, before);
            // A retried request (same key) was counted already, in the store or earlier in this change.
            if (requestKey is not null && (before?.CountedMarks.Contains(requestKey) == true || plan.NewMarkKeys.Contains(requestKey)))
                continue;
            days[key] = plan with
            {
                AddMarks = plan.AddMarks + 1,
                NewMarkKeys = requestKey is null ? plan.NewMarkKeys : [.. plan.NewMarkKeys, requestKey],
            };
            Active(key.UserId, key.Day);
        }

        var runs = new List<RunsPlan>();
        foreach (var (user, active) in activeDays.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            var before = stored.Learners.GetValueOrDefault(user)?.Runs ?? [];
            var after = Streaks.Extend(before, active).OrderBy(r => r.Start).ToList();
            if (!after.SequenceEqual(before.OrderBy(r => r.Start))) runs.Add(new RunsPlan(user, before, after));
        }
        return new RecordPlan(lectures, days.Values.OrderBy(d => d.Key.UserId, StringComparer.Ordinal).ThenBy(d => d.Key.Day).ToList(),
            runs, completed);
    }

    private static TimeZoneInfo Zone(StoredState stored, string user) => stored.Learners.GetValueOrDefault(user)?.Zone ?? TimeZoneInfo.Utc;

    private static void Put(Dictionary<(CourseKey, string), (LectureProgress, DateOnly?)> into, (CourseKey, string) key, LectureProgress progress, DateOnly? day)
    {
        if (into.TryGetValue(key, out var existing))
            into[key] = (existing.Item1.Merge(progress), existing.Item2 ?? day);
        else
            into[key] = (progress, day);
    }
}
