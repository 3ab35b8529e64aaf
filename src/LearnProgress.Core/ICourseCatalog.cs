using LearnProgress.Core.Catalog;

namespace LearnProgress.Core;

/// <summary>Courses and their lectures, as the store keeps them.</summary>
public interface ICourseCatalog
{
    Task<Course?> GetCourseAsync(string courseId, CancellationToken cancellationToken = default);

    /// <summary>False when a course with that id exists already.</summary>
    Task<bool> CreateCourseAsync(string courseId, string title, CancellationToken cancellationToken = default);

    /// <summary>Adds or updates a lecture and keeps the course's lecture count in step.</summary>
    Task<LectureWrite> PutLectureAsync(string courseId, Lecture lecture, CancellationToken cancellationToken = default);

    /// <summary>False when there was no such lecture.</summary>
    Task<bool> DeleteLectureAsync(string courseId, string lectureId, CancellationToken cancellationToken = default);
}

/// <summary>Course look-ups on the read and ping paths, which may answer from a cache.</summary>
public interface ICourseLookup
{
    ValueTask<Course?> FindAsync(string courseId, CancellationToken cancellationToken = default);
}

/// <summary>What each learner has set.</summary>
public interface ILearnerSettings
{
    /// <summary>The learner's IANA time zone; null until the learner sets one.</summary>
    Task<string?> GetTimeZoneAsync(string userId, CancellationToken cancellationToken = default);

    Task SetTimeZoneAsync(string userId, string timeZone, CancellationToken cancellationToken = default);

    /// <summary>The first day of the learner's weeks; null until the learner sets one (weeks then start on Monday).</summary>
    Task<DayOfWeek?> GetWeekStartAsync(string userId, CancellationToken cancellationToken = default);

    Task SetWeekStartAsync(string userId, DayOfWeek weekStart, CancellationToken cancellationToken = default);

    /// <summary>Every weekly goal the learner has set, oldest first; empty until the learner sets one.</summary>
    Task<IReadOnlyList<Goals.GoalChange>> GetGoalsAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Records a goal from its day on; a goal set earlier the same day is replaced.</summary>
    Task SetGoalAsync(string userId, Goals.GoalChange change, CancellationToken cancellationToken = default);

    /// <summary>The name the learner shows on the weekly boards; null while the learner has not joined them.</summary>
    Task<string?> GetBoardNameAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Joins the boards under <paramref name="displayName"/>, or leaves them with null.</summary>
    Task SetBoardNameAsync(string userId, string? displayName, CancellationToken cancellationToken = default);
}
