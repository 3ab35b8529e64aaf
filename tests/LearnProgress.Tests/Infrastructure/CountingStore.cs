using LearnProgress.Core;
using LearnProgress.Core.Catalog;
using LearnProgress.Core.Record;
using Microsoft.Extensions.DependencyInjection;

namespace LearnProgress.Tests.Infrastructure;

/// <summary>Counts the calls that reach the store's ports, so tests can see which paths reach it.</summary>
public sealed class StoreCalls
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _byKey = new(StringComparer.Ordinal);
    private int _calls;
    private int _courseReads;

    public int Calls => Volatile.Read(ref _calls);

    public int CourseReads => Volatile.Read(ref _courseReads);

    /// <summary>Calls that named this learner: background work for others (a flush, a probe) does not count.</summary>
    public int CallsFor(string userId) => _byKey.GetValueOrDefault(userId);

    public T Count<T>(T result, params IEnumerable<string> learners)
    {
        Interlocked.Increment(ref _calls);
        foreach (var learner in learners) _byKey.AddOrUpdate(learner, 1, (_, n) => n + 1);
        return result;
    }

    public int CourseReadsOf(string courseId) => _byKey.GetValueOrDefault("course:" + courseId);

    public T CountCourseRead<T>(T result, string courseId)
    {
        Interlocked.Increment(ref _courseReads);
        return Count(result, "course:" + courseId);
    }

    /// <summary>Puts a counting decorator in front of each of the store's ports.</summary>
    public static void Install(IServiceCollection services)
    {
        services.AddSingleton<StoreCalls>();
        Decorate<IProgressStore>(services, (inner, calls) => new CountingStore(inner, calls));
        Decorate<ICourseCatalog>(services, (inner, calls) => new CountingCatalog(inner, calls));
        Decorate<ILearnerSettings>(services, (inner, calls) => new CountingSettings(inner, calls));
    }

    private static void Decorate<T>(IServiceCollection services, Func<T, StoreCalls, T> decorate) where T : class
    {
        var registered = services.Single(d => d.ServiceType == typeof(T));
        services.Remove(registered);
        services.AddSingleton(sp => decorate(
            (T)(registered.ImplementationInstance ?? registered.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!)),
            sp.GetRequiredService<StoreCalls>()));
    }

    private sealed class CountingStore(IProgressStore inner, StoreCalls calls) : IProgressStore
    {
        public Task<RecordPlan> ApplyAsync(RecordChange change, Func<StoredState, RecordPlan> plan, CancellationToken ct = default) => calls.Count(inner.ApplyAsync(change, plan, ct), change.Users);
        public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, StoredLecture>>> ReadLecturesAsync(string userId, IReadOnlyCollection<string> courseIds, CancellationToken ct = default) => calls.Count(inner.ReadLecturesAsync(userId, courseIds, ct), userId);
        public Task<IReadOnlyList<StoredDay>> ReadDaysAsync(string userId, DateOnly first, DateOnly last, CancellationToken ct = default) => calls.Count(inner.ReadDaysAsync(userId, first, last, ct), userId);
        public Task<LearnerSummary> ReadSummaryAsync(string userId, DateOnly runsEndingFrom, CancellationToken ct = default) => calls.Count(inner.ReadSummaryAsync(userId, runsEndingFrom, ct), userId);
        public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadCompletedLecturesAsync(string userId, CancellationToken ct = default) => calls.Count(inner.ReadCompletedLecturesAsync(userId, ct), userId);
        public Task CheckAsync(CancellationToken ct = default) => calls.Count(inner.CheckAsync(ct));
    }

    private sealed class CountingCatalog(ICourseCatalog inner, StoreCalls calls) : ICourseCatalog
    {
        public Task<Course?> GetCourseAsync(string courseId, CancellationToken ct = default) => calls.CountCourseRead(inner.GetCourseAsync(courseId, ct), courseId);
        public Task<bool> CreateCourseAsync(string courseId, string title, CancellationToken ct = default) => calls.Count(inner.CreateCourseAsync(courseId, title, ct));
        public Task<LectureWrite> PutLectureAsync(string courseId, Lecture lecture, CancellationToken ct = default) => calls.Count(inner.PutLectureAsync(courseId, lecture, ct));
        public Task<bool> DeleteLectureAsync(string courseId, string lectureId, CancellationToken ct = default) => calls.Count(inner.DeleteLectureAsync(courseId, lectureId, ct));
    }

    private sealed class CountingSettings(ILearnerSettings inner, StoreCalls calls) : ILearnerSettings
    {
        public Task<string?> GetTimeZoneAsync(string userId, CancellationToken ct = default) => calls.Count(inner.GetTimeZoneAsync(userId, ct), userId);
        public Task SetTimeZoneAsync(string userId, string timeZone, CancellationToken ct = default) => calls.Count(inner.SetTimeZoneAsync(userId, timeZone, ct), userId);
        public Task<DayOfWeek?> GetWeekStartAsync(string userId, CancellationToken ct = default) => calls.Count(inner.GetWeekStartAsync(userId, ct), userId);
        public Task SetWeekStartAsync(string userId, DayOfWeek weekStart, CancellationToken ct = default) => calls.Count(inner.SetWeekStartAsync(userId, weekStart, ct), userId);
        public Task<IReadOnlyList<Core.Goals.GoalChange>> GetGoalsAsync(string userId, CancellationToken ct = default) => calls.Count(inner.GetGoalsAsync(userId, ct), userId);
        public Task<string?> GetBoardNameAsync(string userId, CancellationToken ct = default) => calls.Count(inner.GetBoardNameAsync(userId, ct), userId);
        public Task SetBoardNameAsync(string userId, string? name, CancellationToken ct = default) => calls.Count(inner.SetBoardNameAsync(userId, name, ct), userId);
        public Task SetGoalAsync(string userId, Core.Goals.GoalChange change, CancellationToken ct = default) => calls.Count(inner.SetGoalAsync(userId, change, ct), userId);
    }
}
