namespace LearnProgress.Sqlite;

/// <summary>Every table, column and statement of the SQLite store, in one place. Days are DateOnly.DayNumber.</summary>
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
            coverage TEXT NOT NULL DEFAULT '',
            completed INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (user_id, course_id, lecture_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS lecture_progress_completed ON lecture_progress (course_id, lecture_id) WHERE completed = 1;
        CREATE TABLE IF NOT EXISTS course_progress (
            user_id TEXT NOT NULL,
            course_id TEXT NOT NULL,
            completed INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (user_id, course_id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS learners (
            user_id TEXT PRIMARY KEY,
            time_zone TEXT,
            longest_streak INTEGER NOT NULL DEFAULT 0,
            total_completed INTEGER NOT NULL DEFAULT 0,
            total_watch_seconds REAL NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS activity_days (
            user_id TEXT NOT NULL,
            day INTEGER NOT NULL,
            seconds REAL NOT NULL DEFAULT 0,
            count INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (user_id, day)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS activity_runs (
            user_id TEXT NOT NULL,
            start_day INTEGER NOT NULL,
            end_day INTEGER NOT NULL,
            PRIMARY KEY (user_id, start_day)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS activity_runs_by_end ON activity_runs (user_id, end_day);
        """;

    // WAL survives a killed process with synchronous=NORMAL; only a power loss can drop the last commits.
    public const string ConnectionPragmas = "PRAGMA synchronous = NORMAL;";

    public const string ReadLectures = """
        SELECT lecture_id AS LectureId, position AS Position, updated_at AS UpdatedAt, furthest AS Furthest,
               coverage AS Coverage, completed AS Completed
        FROM lecture_progress WHERE user_id = @user AND course_id = @course;
        """;

    public const string UpsertLecture = """
        INSERT INTO lecture_progress (user_id, course_id, lecture_id, position, updated_at, furthest, coverage, completed)
        VALUES (@user, @course, @lecture, @position, @updatedAt, @furthest, @coverage, @completed)
        ON CONFLICT (user_id, course_id, lecture_id) DO UPDATE SET
            position = excluded.position, updated_at = excluded.updated_at, furthest = excluded.furthest,
            coverage = excluded.coverage, completed = excluded.completed;
        """;

    public const string TouchCourse = "INSERT INTO course_progress (user_id, course_id) VALUES (@user, @course) ON CONFLICT DO NOTHING;";
    public const string CountCompletion = "UPDATE course_progress SET completed = completed + 1 WHERE user_id = @user AND course_id = @course;";

    public const string ReadCourseCompletions = """
        SELECT cp.course_id AS CourseId, cp.completed AS Completed, c.total_lectures AS TotalLectures
        FROM course_progress cp JOIN courses c ON c.id = cp.course_id
        WHERE cp.user_id = @user ORDER BY cp.course_id;
        """;

    public const string Durations = "SELECT lecture_id AS Id, duration_seconds AS Duration FROM lectures WHERE course_id = @course;";

    public const string TouchLearner = "INSERT INTO learners (user_id) VALUES (@user) ON CONFLICT DO NOTHING;";
    public const string ReadTimeZone = "SELECT time_zone FROM learners WHERE user_id = @user;";
    public const string SetTimeZone = """
        INSERT INTO learners (user_id, time_zone) VALUES (@user, @zone)
        ON CONFLICT (user_id) DO UPDATE SET time_zone = excluded.time_zone;
        """;
    public const string AddCompletedToLearner = "UPDATE learners SET total_completed = total_completed + 1 WHERE user_id = @user;";
    public const string AddWatchSeconds = "UPDATE learners SET total_watch_seconds = total_watch_seconds + @seconds WHERE user_id = @user;";
    public const string RaiseLongest = "UPDATE learners SET longest_streak = MAX(longest_streak, @length) WHERE user_id = @user;";

    public const string ReadLearner = """
        SELECT time_zone AS TimeZone, longest_streak AS LongestStreak, total_completed AS TotalCompleted,
               total_watch_seconds AS TotalWatchSeconds
        FROM learners WHERE user_id = @user;
        SELECT start_day AS Start, end_day AS End FROM activity_runs
        WHERE user_id = @user AND (end_day >= @from OR end_day = (SELECT MAX(end_day) FROM activity_runs WHERE user_id = @user))
        ORDER BY end_day;
        """;

    public const string ReadDay = "SELECT seconds AS Seconds, count AS Count FROM activity_days WHERE user_id = @user AND day = @day;";
    public const string UpsertDay = """
        INSERT INTO activity_days (user_id, day, seconds, count) VALUES (@user, @day, @seconds, @count)
        ON CONFLICT (user_id, day) DO UPDATE SET seconds = excluded.seconds, count = excluded.count;
        """;
    public const string ReadDays = """
        SELECT day AS Day, seconds AS Seconds, count AS Count FROM activity_days
        WHERE user_id = @user AND day BETWEEN @from AND @to ORDER BY day;
        """;

    public const string RunEndingAt = "SELECT start_day AS Start, end_day AS End FROM activity_runs WHERE user_id = @user AND end_day = @day;";
    public const string RunStartingAt = "SELECT start_day AS Start, end_day AS End FROM activity_runs WHERE user_id = @user AND start_day = @day;";
    public const string DeleteRun = "DELETE FROM activity_runs WHERE user_id = @user AND start_day = @start;";
    public const string InsertRun = "INSERT INTO activity_runs (user_id, start_day, end_day) VALUES (@user, @start, @end);";

    public const string ReadCourse = """
        SELECT title, total_lectures FROM courses WHERE id = @course;
        SELECT lecture_id AS Id, title AS Title, duration_seconds AS DurationSeconds FROM lectures WHERE course_id = @course ORDER BY lecture_id;
        """;
    public const string InsertCourse = "INSERT INTO courses (id, title) VALUES (@course, @title) ON CONFLICT DO NOTHING;";
    public const string CourseExists = "SELECT 1 FROM courses WHERE id = @course;";
    public const string LectureExists = "SELECT 1 FROM lectures WHERE course_id = @course AND lecture_id = @lecture;";
    public const string PutLecture = """
        INSERT INTO lectures (course_id, lecture_id, title, duration_seconds) VALUES (@course, @lecture, @title, @duration)
        ON CONFLICT (course_id, lecture_id) DO UPDATE SET title = excluded.title, duration_seconds = excluded.duration_seconds;
        """;
    public const string DeleteLecture = "DELETE FROM lectures WHERE course_id = @course AND lecture_id = @lecture;";

    // The course's counter and every learner's completed count follow a lecture in and out of the catalog, so the
    // completion percentage changes at once without a scan on read.
    public static string ShiftLecture(int by) => $"""
        UPDATE courses SET total_lectures = total_lectures + {by} WHERE id = @course;
        UPDATE course_progress SET completed = completed + {by}
        WHERE course_id = @course AND user_id IN (
            SELECT user_id FROM lecture_progress WHERE course_id = @course AND lecture_id = @lecture AND completed = 1);
        """;
}
