using LearnProgress.Core.Catalog;
using LearnProgress.Core.Progress;

namespace LearnProgress.Core;

/// <summary>The durable side: the system of record for progress and the course catalog.</summary>
public interface IProgressStore
{
    /// <summary>
    /// Writes a flush batch in one bulk operation, merging by <see cref="LectureProgress.Merge"/>; running the same
    /// batch twice changes nothing.
    /// </summary>
    Task UpsertProgressAsync(IReadOnlyList<CourseProgressSnapshot> batch, CancellationToken cancellationToken = default);

    Task<IReadOnlyDictionary<string, LectureProgress>> ReadProgressAsync(string userId, string courseId, CancellationToken cancellationToken = default);

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
