using LearnProgress.Core;
using LearnProgress.Core.Catalog;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;

namespace LearnProgress.Tests.Infrastructure;

/// <summary>
/// A store's three ports driven the way the service drives them (changes planned by <see cref="RecordPlanner"/>,
/// totals read back), so a contract can state facts about the learning record whatever adapter is behind it.
/// </summary>
public sealed class RecordHarness(IProgressStore store, ICourseCatalog catalog, ILearnerSettings settings, double threshold = 0.9)
{
    public sealed record CourseCount(string CourseId, int Completed, int TotalLectures);

    public sealed record Learner(string? TimeZone, int LongestStreak, int TotalCompleted, double TotalWatchSeconds, IReadOnlyList<DayRun> RecentRuns);

    private readonly RecordPlanner _planner = new(new CompletionRule(threshold));
    private readonly Core.Events.EventPlanner _events = new(TimeProvider.System, Core.Events.EventPlanner.DefaultMilestones);

    public IProgressStore Store => store;

    public async Task<IReadOnlyList<LectureCompleted>> WriteAsync(RecordChange change) =>
        (await store.ApplyAsync(change, stored => _planner.Plan(change, stored))).Completed;

    /// <summary>Writes the change as the service does, events and board scores included, and returns the whole plan.</summary>
    public Task<RecordPlan> PlanAsync(RecordChange change) =>
        store.ApplyAsync(change, stored =>
        {
            var planned = _events.Attach(_planner.Plan(change, stored), stored);
            return planned with { Boards = Core.Leaderboards.Boards.Scores(planned, stored) };
        });

    public Task<IReadOnlyList<LectureCompleted>> UpsertProgressAsync(FlushBatch batch) => WriteAsync(RecordChange.Of(batch));

    public async Task<LectureCompleted?> CompleteLectureAsync(string userId, string courseId, string lectureId, DateOnly day) =>
        (await WriteAsync(RecordChange.Complete(new ExplicitCompletion(userId, courseId, lectureId, day)))).SingleOrDefault();

    public Task MarkDayAsync(string userId, DateOnly day) => WriteAsync(RecordChange.Mark(userId, day));

    public async Task<IReadOnlyDictionary<string, LectureProgress>> ReadProgressAsync(string userId, string courseId) =>
        (await store.ReadLecturesAsync(userId, [courseId])).GetValueOrDefault(courseId)?.ToDictionary(kv => kv.Key, kv => kv.Value.Progress)
        ?? new Dictionary<string, LectureProgress>();

    public async Task<IReadOnlyList<DayActivity>> ReadActivityAsync(string userId, DateOnly from, DateOnly to) =>
        (await store.ReadDaysAsync(userId, from, to)).Select(d => d.Activity).ToList();

    public async Task<Learner> ReadLearnerAsync(string userId, DateOnly runsEndingFrom)
    {
        var summary = await store.ReadSummaryAsync(userId, runsEndingFrom);
        return new Learner(await settings.GetTimeZoneAsync(userId), summary.LongestStreak, summary.TotalCompleted, summary.TotalWatchSeconds, summary.RecentRuns);
    }

    public async Task<IReadOnlyList<CourseCount>> ReadCourseCompletionsAsync(string userId)
    {
        var answer = new List<CourseCount>();
        foreach (var (courseId, completed) in (await store.ReadCompletedLecturesAsync(userId)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            if (await catalog.GetCourseAsync(courseId) is { } course)
                answer.Add(new CourseCount(courseId, course.Lectures.Count(l => completed.Contains(l.Id)), course.TotalLectures));
        return answer;
    }

    public Task<string?> GetTimeZoneAsync(string userId) => settings.GetTimeZoneAsync(userId);
    public Task SetGoalAsync(string userId, Core.Goals.GoalChange change) => settings.SetGoalAsync(userId, change);
    public Task SetBoardNameAsync(string userId, string? name) => settings.SetBoardNameAsync(userId, name);
    public Task SetTimeZoneAsync(string userId, string zone) => settings.SetTimeZoneAsync(userId, zone);
    public Task<Course?> GetCourseAsync(string courseId) => catalog.GetCourseAsync(courseId);
    public Task<bool> CreateCourseAsync(string courseId, string title) => catalog.CreateCourseAsync(courseId, title);
    public Task<LectureWrite> PutLectureAsync(string courseId, Lecture lecture) => catalog.PutLectureAsync(courseId, lecture);
    public Task<bool> DeleteLectureAsync(string courseId, string lectureId) => catalog.DeleteLectureAsync(courseId, lectureId);

    /// <summary>A day's playing spans amounting to <paramref name="seconds"/>, from the day's start.</summary>
    public static ActivitySnapshot Played(string userId, DateOnly day, double seconds) =>
        new(userId, new Dictionary<DateOnly, Coverage> { [day] = Coverage.Of(0, seconds) });
}
