using LearnProgress.Core.Analytics;
using LearnProgress.Core.Catalog;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;

namespace LearnProgress.Core.Record;

public sealed record StudentSummary(int CurrentStreak, int LongestStreak, int TotalCompleted, double TotalWatchSeconds, DateOnly? LastActiveDate);

public sealed record CourseCompletion(string CourseId, double Progress);

/// <summary>
/// Every read of the learning record: the buffer laid over the store by <see cref="RecordRules"/>, the same merge a
/// flush makes, so every figure reads the same before and after the flush that stores it.
/// </summary>
public sealed class LearningRecord(IProgressBuffer buffer, IProgressStore store, ICourseLookup catalog, CompletionRule rule)
{
    /// <summary>Buffered days are at most this old (the accepted client-time window), so runs ending earlier cannot change.</summary>
    public const int RecentDays = 32;

    private static readonly IReadOnlyDictionary<string, StoredLecture> NoLectures = new Dictionary<string, StoredLecture>();

    public async Task<CourseProgressView> CourseAsync(string userId, Course course, TimeZoneInfo zone, CancellationToken ct = default) =>
        CourseProgressView.Build(course, await LecturesAsync(userId, course, zone, ct));

    /// <summary>Every lecture of the course the learner has touched, buffer over store, completion decided.</summary>
    private async Task<Dictionary<string, LectureProgress>> LecturesAsync(string userId, Course course, TimeZoneInfo zone, CancellationToken ct)
    {
        var storedTask = store.ReadLecturesAsync(userId, [course.Id], ct);
        var buffered = await buffer.ReadAsync(userId, course.Id, ct);
        var stored = (await storedTask).GetValueOrDefault(course.Id) ?? NoLectures;
        var lectures = stored.ToDictionary(kv => kv.Key, kv => kv.Value.Progress, StringComparer.Ordinal);
        foreach (var (lecture, progress) in buffered)
            lectures[lecture] = Merge(stored.GetValueOrDefault(lecture), progress, course, lecture, zone).Progress;
        // Stored lectures are re-checked too: a lecture whose duration shrank may now be complete.
        foreach (var (lecture, saved) in stored)
            if (!buffered.ContainsKey(lecture))
                lectures[lecture] = Merge(null, saved.Progress, course, lecture, zone).Progress;
        return lectures;
    }

    /// <summary>One entry per day from <paramref name="today"/> − <paramref name="span"/> + 1 to today.</summary>
    public async Task<IReadOnlyList<DayActivity>> HeatmapAsync(string userId, TimeZoneInfo zone, DateOnly today, int span, CancellationToken ct = default)
    {
        var from = today.AddDays(1 - span);
        var storedTask = store.ReadDaysAsync(userId, from, today, ct);
        var pending = await PendingAsync(userId, zone, ct);
        var stored = (await storedTask).ToDictionary(d => d.Day);
        var answer = new List<DayActivity>(span);
        for (var day = from; day <= today; day = day.AddDays(1))
            answer.Add(Day(day, stored.GetValueOrDefault(day), pending));
        return answer;
    }

    /// <summary>
    /// Every day from <paramref name="from"/> to <paramref name="to"/> with play or activity: its played spans, buffer
    /// over store, and whether it is active, so patterns read what the heatmap reads.
    /// </summary>
    public async Task<IReadOnlyList<PlayedDay>> PlayedDaysAsync(string userId, TimeZoneInfo zone, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        var storedTask = store.ReadDaysAsync(userId, from, to, ct);
        var pending = await PendingAsync(userId, zone, ct);
        var stored = (await storedTask).ToDictionary(d => d.Day);
        var days = stored.Keys.Concat(pending.Activity.Keys).Concat(pending.Completions.Select(c => c.Day))
            .Where(d => d >= from && d <= to).Distinct().Order();
        var answer = new List<PlayedDay>();
        foreach (var day in days)
        {
            var saved = stored.GetValueOrDefault(day);
            var played = pending.Activity.TryGetValue(day, out var buffered) ? RecordRules.MergeDay(saved, buffered).Played : saved?.Played ?? Coverage.Empty;
            answer.Add(new PlayedDay(day, played, Day(day, saved, pending).IsActive));
        }
        return answer;
    }

    public async Task<StudentSummary> StudentAsync(string userId, TimeZoneInfo zone, DateOnly today, CancellationToken ct = default)
    {
        var summaryTask = store.ReadSummaryAsync(userId, today.AddDays(-RecentDays), ct);
        var pending = await PendingAsync(userId, zone, ct);
        var summary = await summaryTask;
        var (unflushedSeconds, pendingActive) = await UnflushedAsync(userId, pending, ct);
        var (current, longest, lastActive) = Streaks.Compute(summary.RecentRuns, pendingActive, summary.LongestStreak, today);
        return new StudentSummary(current, longest, summary.TotalCompleted + pending.Completions.Count,
            Math.Round(summary.TotalWatchSeconds + unflushedSeconds, 1), lastActive);
    }

    /// <summary>The runs of active days that end on or after <paramref name="endingFrom"/> (and the latest), buffered days joined in.</summary>
    public async Task<IReadOnlyList<DayRun>> RunsAsync(string userId, TimeZoneInfo zone, DateOnly endingFrom, CancellationToken ct = default)
    {
        var summaryTask = store.ReadSummaryAsync(userId, endingFrom, ct);
        var pending = await PendingAsync(userId, zone, ct);
        var (_, pendingActive) = await UnflushedAsync(userId, pending, ct);
        return Streaks.Extend((await summaryTask).RecentRuns, pendingActive);
    }

    /// <summary>Every course of the catalog the learner has touched, with the merged progress of its lectures.</summary>
    public async Task<IReadOnlyList<CourseState>> CourseStatesAsync(string userId, TimeZoneInfo zone, CancellationToken ct = default)
    {
        var answer = new List<CourseState>();
        foreach (var touched in await CoursesAsync(userId, zone, ct))
            if (await catalog.FindAsync(touched.CourseId, ct) is { } course)
                answer.Add(new CourseState(course, await LecturesAsync(userId, course, zone, ct)));
        return answer;
    }

    /// <summary>Seconds the buffer adds to the stored days, and the days it makes active.</summary>
    private async Task<(double Seconds, List<DateOnly> Active)> UnflushedAsync(string userId, Pending pending, CancellationToken ct)
    {
        var pendingDays = pending.Activity.Keys.Concat(pending.Completions.Select(c => c.Day)).Distinct().ToList();
        var unflushedSeconds = 0.0;
        var pendingActive = new List<DateOnly>();
        if (pendingDays.Count == 0) return (0, pendingActive);
        var stored = (await store.ReadDaysAsync(userId, pendingDays.Min(), pendingDays.Max(), ct)).ToDictionary(d => d.Day);
        foreach (var day in pendingDays)
        {
            var saved = stored.GetValueOrDefault(day);
            var merged = Day(day, saved, pending);
            unflushedSeconds += merged.Seconds - (saved?.Seconds ?? 0);
            if (merged.IsActive) pendingActive.Add(day);
        }
        return (unflushedSeconds, pendingActive);
    }

    /// <summary>Completion of every course the learner has touched, by course id.</summary>
    public async Task<IReadOnlyList<CourseCompletion>> CoursesAsync(string userId, TimeZoneInfo zone, CancellationToken ct = default)
    {
        var storedTask = store.ReadCompletedLecturesAsync(userId, ct);
        var pending = await PendingAsync(userId, zone, ct);
        var completed = (await storedTask).ToDictionary(kv => kv.Key, kv => kv.Value.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var courseId in pending.Courses)
            if (!completed.ContainsKey(courseId)) completed[courseId] = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in pending.Completions) completed[c.CourseId].Add(c.LectureId);

        var answer = new List<CourseCompletion>(completed.Count);
        foreach (var (courseId, lectures) in completed.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (await catalog.FindAsync(courseId, ct) is not { } course) continue;
            // Only lectures the catalog still has count, so removing or adding a lecture changes the figure at once.
            answer.Add(new CourseCompletion(courseId, CourseProgressView.Percentage(
                course.Lectures.Count(l => lectures.Contains(l.Id)), course.TotalLectures)));
        }
        return answer;
    }

    /// <summary>Weeks in the learner's zone ending with the current one, from the same merged days as the heatmap.</summary>
    public async Task<IReadOnlyList<WeekStats>> WeeklyAsync(string userId, TimeZoneInfo zone, DateOnly today, int weeks, DayOfWeek weekStart,
        CancellationToken ct = default)
    {
        var from = LearnerAnalytics.WeeklyFrom(today, weeks, weekStart);
        var days = await HeatmapAsync(userId, zone, today, today.DayNumber - from.DayNumber + 1, ct);
        return LearnerAnalytics.Weekly(days, today, weeks, weekStart);
    }

    /// <summary>
    /// For every course the learner has touched: the footage left to play (the unplayed part of each lecture not yet
    /// complete) and, at the learner's pace of the last 28 days, the day it would be done.
    /// </summary>
    public async Task<IReadOnlyList<CourseEstimate>> EstimatesAsync(string userId, TimeZoneInfo zone, DateOnly today, CancellationToken ct = default)
    {
        var paceTask = HeatmapAsync(userId, zone, today, LearnerAnalytics.PaceWindowDays, ct);
        var courses = await CoursesAsync(userId, zone, ct);
        var pace = LearnerAnalytics.Pace(await paceTask, today);
        var answer = new List<CourseEstimate>(courses.Count);
        foreach (var touched in courses)
        {
            if (await catalog.FindAsync(touched.CourseId, ct) is not { } course) continue;
            var lectures = await LecturesAsync(userId, course, zone, ct);
            var remaining = course.Lectures.Sum(l => lectures.TryGetValue(l.Id, out var p)
                ? p.Completed ? 0 : Math.Max(0, l.DurationSeconds - p.Coverage.Seconds)
                : l.DurationSeconds);
            remaining = Math.Round(remaining, 1);
            answer.Add(new CourseEstimate(course.Id, touched.Progress, remaining, pace.PerActiveDay, pace.Finish(remaining, today)));
        }
        return answer;
    }

    private static DayActivity Day(DateOnly day, StoredDay? stored, Pending pending)
    {
        var seconds = pending.Activity.TryGetValue(day, out var played) ? RecordRules.MergeDay(stored, played).Seconds : stored?.Seconds ?? 0;
        var completions = (stored?.Completions ?? 0) + pending.Completions.Count(c => c.Day == day);
        return new DayActivity(day, Math.Round(seconds, 1), stored?.Marks ?? 0, completions);
    }

    private sealed record Pending(IReadOnlyDictionary<DateOnly, Coverage> Activity, IReadOnlyList<LectureCompleted> Completions, IReadOnlyCollection<string> Courses);

    /// <summary>What the buffer holds that the store does not yet: played spans, and completions a flush would make.</summary>
    private async Task<Pending> PendingAsync(string userId, TimeZoneInfo zone, CancellationToken ct)
    {
        var activityTask = buffer.ReadActivityAsync(userId, ct);
        var buffered = await buffer.ReadCoursesAsync(userId, ct);
        var completions = new List<LectureCompleted>();
        if (buffered.Count > 0)
        {
            var stored = await store.ReadLecturesAsync(userId, buffered.Keys.ToList(), ct);
            foreach (var (courseId, lectures) in buffered)
            {
                if (await catalog.FindAsync(courseId, ct) is not { } course) continue;
                var saved = stored.GetValueOrDefault(courseId) ?? NoLectures;
                foreach (var (lecture, progress) in lectures)
                {
                    var before = saved.GetValueOrDefault(lecture);
                    if (before?.Completed != true && Merge(before, progress, course, lecture, zone).CompletedOn is { } day)
                        completions.Add(new LectureCompleted(userId, courseId, lecture, day));
                }
            }
        }
        return new Pending(await activityTask, completions, buffered.Keys.ToList());
    }

    private StoredLecture Merge(StoredLecture? stored, LectureProgress buffered, Course course, string lecture, TimeZoneInfo zone) =>
        RecordRules.MergeLecture(stored, buffered, course.FindLecture(lecture)?.DurationSeconds, zone, rule);
}
