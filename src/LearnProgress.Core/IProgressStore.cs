using LearnProgress.Core.Catalog;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;

namespace LearnProgress.Core;

/// <summary>The durable side: the system of record for progress, the learning record and the course catalog.</summary>
public interface IProgressStore
{
    /// <summary>
    /// Writes a flush batch in one bulk operation, merging by <see cref="LectureProgress.Merge"/> and taking the larger
    /// day totals; running the same batch twice changes nothing. Lectures that reach completion by coverage are
    /// marked complete, counted once, and returned.
    /// </summary>
    Task<IReadOnlyList<LectureCompleted>> UpsertProgressAsync(FlushBatch batch, CancellationToken cancellationToken = default);

    Task<IReadOnlyDictionary<string, LectureProgress>> ReadProgressAsync(string userId, string courseId, CancellationToken cancellationToken = default);

    /// <summary>Marks a lecture complete at once; null when it already was (nothing changes).</summary>
    Task<LectureCompleted?> CompleteLectureAsync(string userId, string courseId, string lectureId, DateOnly day, CancellationToken cancellationToken = default);

    /// <summary>Adds one to the day's count.</summary>
    Task MarkDayAsync(string userId, DateOnly day, CancellationToken cancellationToken = default);

    /// <summary>Stored days with any activity in [from, to].</summary>
    Task<IReadOnlyList<DayActivity>> ReadActivityAsync(string userId, DateOnly from, DateOnly to, CancellationToken cancellationToken = default);

    /// <summary>
    /// The learner's precomputed record, with the runs of active days that end on or after
    /// <paramref name="runsEndingFrom"/> and always the latest run.
    /// </summary>
    Task<LearnerRecord> ReadLearnerAsync(string userId, DateOnly runsEndingFrom, CancellationToken cancellationToken = default);

    /// <summary>Completed lectures and the course's lecture count, for every course the learner has touched.</summary>
    Task<IReadOnlyList<CourseCompletion>> ReadCourseCompletionsAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>The learner's IANA time zone; null until the learner sets one.</summary>
    Task<string?> GetTimeZoneAsync(string userId, CancellationToken cancellationToken = default);

    Task SetTimeZoneAsync(string userId, string timeZone, CancellationToken cancellationToken = default);

    Task<Course?> GetCourseAsync(string courseId, CancellationToken cancellationToken = default);

    /// <summary>False when a course with that id exists already.</summary>
    Task<bool> CreateCourseAsync(string courseId, string title, CancellationToken cancellationToken = default);

    /// <summary>Adds or updates a lecture and keeps the course's lecture counter in step.</summary>
    Task<LectureWrite> PutLectureAsync(string courseId, Lecture lecture, CancellationToken cancellationToken = default);

    /// <summary>False when there was no such lecture.</summary>
    Task<bool> DeleteLectureAsync(string courseId, string lectureId, CancellationToken cancellationToken = default);

    /// <summary>Throws when the store cannot be reached.</summary>
    Task CheckAsync(CancellationToken cancellationToken = default);
}

public sealed record LearnerRecord(
    string? TimeZone, int LongestStreak, int TotalCompleted, double TotalWatchSeconds, IReadOnlyList<DayRun> RecentRuns)
{
    public static readonly LearnerRecord New = new(null, 0, 0, 0, []);
}

public sealed record CourseCompletion(string CourseId, int Completed, int TotalLectures);
