using LearnProgress.Core;
using LearnProgress.Core.Catalog;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;

namespace LearnProgress.Tests.Infrastructure;

/// <summary>The real store with a call counter in front, so tests can see which paths reach it.</summary>
public sealed class CountingStore(IProgressStore inner) : IProgressStore
{
    private int _calls;
    private int _courseReads;

    public int Calls => Volatile.Read(ref _calls);

    public int CourseReads => Volatile.Read(ref _courseReads);

    private T Count<T>(T result)
    {
        Interlocked.Increment(ref _calls);
        return result;
    }

    public Task<IReadOnlyList<LectureCompleted>> UpsertProgressAsync(FlushBatch batch, CancellationToken ct = default) => Count(inner.UpsertProgressAsync(batch, ct));
    public Task<IReadOnlyDictionary<string, LectureProgress>> ReadProgressAsync(string userId, string courseId, CancellationToken ct = default) => Count(inner.ReadProgressAsync(userId, courseId, ct));
    public Task<LectureCompleted?> CompleteLectureAsync(string userId, string courseId, string lectureId, DateOnly day, CancellationToken ct = default) => Count(inner.CompleteLectureAsync(userId, courseId, lectureId, day, ct));
    public Task MarkDayAsync(string userId, DateOnly day, CancellationToken ct = default) => Count(inner.MarkDayAsync(userId, day, ct));
    public Task<IReadOnlyList<DayActivity>> ReadActivityAsync(string userId, DateOnly from, DateOnly to, CancellationToken ct = default) => Count(inner.ReadActivityAsync(userId, from, to, ct));
    public Task<LearnerRecord> ReadLearnerAsync(string userId, DateOnly runsEndingFrom, CancellationToken ct = default) => Count(inner.ReadLearnerAsync(userId, runsEndingFrom, ct));
    public Task<IReadOnlyList<CourseCompletion>> ReadCourseCompletionsAsync(string userId, CancellationToken ct = default) => Count(inner.ReadCourseCompletionsAsync(userId, ct));
    public Task<string?> GetTimeZoneAsync(string userId, CancellationToken ct = default) => Count(inner.GetTimeZoneAsync(userId, ct));
    public Task SetTimeZoneAsync(string userId, string timeZone, CancellationToken ct = default) => Count(inner.SetTimeZoneAsync(userId, timeZone, ct));
    public Task<Course?> GetCourseAsync(string courseId, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _courseReads);
        return Count(inner.GetCourseAsync(courseId, ct));
    }
    public Task<bool> CreateCourseAsync(string courseId, string title, CancellationToken ct = default) => Count(inner.CreateCourseAsync(courseId, title, ct));
    public Task<LectureWrite> PutLectureAsync(string courseId, Lecture lecture, CancellationToken ct = default) => Count(inner.PutLectureAsync(courseId, lecture, ct));
    public Task<bool> DeleteLectureAsync(string courseId, string lectureId, CancellationToken ct = default) => Count(inner.DeleteLectureAsync(courseId, lectureId, ct));
    public Task CheckAsync(CancellationToken ct = default) => Count(inner.CheckAsync(ct));
}
