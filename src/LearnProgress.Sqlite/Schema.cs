namespace LearnProgress.Sqlite;

/// <summary>Every table, column and statement of the SQLite store, in one place.</summary>
internal static class Schema
{
    public const string Create = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS courses (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            total_lectures INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS lectures (
            course_id TEXT NOT NULL,
            lecture_id TEXT NOT NULL,
            title TEXT NOT NULL,
            duration_seconds REAL NOT NULL,
            PRIMARY KEY (course_id, lecture_id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS lecture_progress (
            user_id TEXT NOT NULL,
            course_id TEXT NOT NULL,
            lecture_id TEXT NOT NULL,
            position REAL NOT NULL,
            updated_at INTEGER NOT NULL,
            furthest REAL NOT NULL,
            PRIMARY KEY (user_id, course_id, lecture_id)
        ) WITHOUT ROWID;
        """;

    // WAL survives a killed process with synchronous=NORMAL; only a power loss can drop the last commits.
    public const string ConnectionPragmas = "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

    // Same rule as LectureProgress.Merge: the right-hand sides see the row as it was, so a replayed batch is a no-op.
    public const string UpsertProgress = """
        INSERT INTO lecture_progress (user_id, course_id, lecture_id, position, updated_at, furthest)
        VALUES ($user, $course, $lecture, $position, $updatedAt, $furthest)
        ON CONFLICT (user_id, course_id, lecture_id) DO UPDATE SET
            position = CASE
                WHEN excluded.updated_at > updated_at OR (excluded.updated_at = updated_at AND excluded.position > position)
                THEN excluded.position ELSE position END,
            updated_at = MAX(updated_at, excluded.updated_at),
            furthest = MAX(furthest, excluded.furthest);
        """;

    public const string ReadProgress = """
        SELECT lecture_id, position, updated_at, furthest FROM lecture_progress
        WHERE user_id = $user AND course_id = $course;
        """;

    public const string ReadCourse = """
        SELECT title, total_lectures FROM courses WHERE id = $course;
        SELECT lecture_id, title, duration_seconds FROM lectures WHERE course_id = $course ORDER BY lecture_id;
        """;

    public const string InsertCourse = "INSERT INTO courses (id, title) VALUES ($course, $title) ON CONFLICT DO NOTHING;";
    public const string CourseExists = "SELECT 1 FROM courses WHERE id = $course;";
    public const string LectureExists = "SELECT 1 FROM lectures WHERE course_id = $course AND lecture_id = $lecture;";

    public const string UpsertLecture = """
        INSERT INTO lectures (course_id, lecture_id, title, duration_seconds) VALUES ($course, $lecture, $title, $duration)
        ON CONFLICT (course_id, lecture_id) DO UPDATE SET title = excluded.title, duration_seconds = excluded.duration_seconds;
        """;

    public const string IncrementLectureCount = "UPDATE courses SET total_lectures = total_lectures + 1 WHERE id = $course;";
    public const string DeleteLecture = "DELETE FROM lectures WHERE course_id = $course AND lecture_id = $lecture;";
    public const string DecrementLectureCount = "UPDATE courses SET total_lectures = total_lectures - 1 WHERE id = $course;";
}
