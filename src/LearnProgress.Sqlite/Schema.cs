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
            completed_on INTEGER,
            PRIMARY KEY (user_id, course_id, lecture_id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS learners (
            user_id TEXT PRIMARY KEY,
            time_zone TEXT,
            week_start INTEGER,
            board_name TEXT
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS weekly_goals (
            user_id TEXT NOT NULL,
            from_day INTEGER NOT NULL,
            minutes INTEGER NOT NULL,
            lectures INTEGER NOT NULL,
            PRIMARY KEY (user_id, from_day)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS activity_days (
            user_id TEXT NOT NULL,
            day INTEGER NOT NULL,
            seconds REAL NOT NULL DEFAULT 0,
            marks INTEGER NOT NULL DEFAULT 0,
            played TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (user_id, day)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS day_marks (
            user_id TEXT NOT NULL,
            day INTEGER NOT NULL,
            mark_key TEXT NOT NULL,
            PRIMARY KEY (user_id, day, mark_key)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS activity_runs (
            user_id TEXT NOT NULL,
            start_day INTEGER NOT NULL,
            end_day INTEGER NOT NULL,
            PRIMARY KEY (user_id, start_day)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS activity_runs_by_end ON activity_runs (user_id, end_day);
        CREATE INDEX IF NOT EXISTS activity_days_by_day ON activity_days (day);
        CREATE TABLE IF NOT EXISTS course_analytics (
            course_id TEXT PRIMARY KEY,
            body TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS skills (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS quizzes (
            course_id TEXT NOT NULL,
            quiz_id TEXT NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (course_id, quiz_id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS attempts (
            user_id TEXT NOT NULL,
            attempt_id TEXT NOT NULL,
            course_id TEXT NOT NULL,
            submitted_at INTEGER NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (user_id, attempt_id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            user_id TEXT NOT NULL,
            timestamp INTEGER NOT NULL,
            data TEXT NOT NULL
        );
        """;

    // The first write of an event wins: a replay decides the same id and is ignored, never a second row.
    public const string InsertEvent = """
        INSERT INTO events (id, type, user_id, timestamp, data) VALUES (@id, @type, @user, @timestamp, @data)
        ON CONFLICT (id) DO NOTHING;
        """;

    public const string ReadEventsAfter = """
        SELECT seq AS Sequence, id AS Id, type AS Type, user_id AS UserId, timestamp AS Timestamp, data AS Data
        FROM events WHERE seq > @after ORDER BY seq LIMIT @limit;
        """;

    /// <summary>
    /// Brings a file written by an earlier version up to <see cref="Create"/>: a day's count held marks and
    /// completions (those earlier completions carry no day, so they are not counted again), and days gain their spans.
    /// </summary>
    public static readonly (string Table, string Column, string Statement)[] Upgrades =
    [
        ("lecture_progress", "completed_on", "ALTER TABLE lecture_progress ADD COLUMN completed_on INTEGER;"),
        ("activity_days", "marks", "ALTER TABLE activity_days RENAME COLUMN count TO marks;"),
        ("activity_days", "played", "ALTER TABLE activity_days ADD COLUMN played TEXT NOT NULL DEFAULT '';"),
        ("learners", "week_start", "ALTER TABLE learners ADD COLUMN week_start INTEGER;"),
        ("learners", "board_name", "ALTER TABLE learners ADD COLUMN board_name TEXT;"),
    ];

    public const string HasColumn = "SELECT COUNT(*) FROM pragma_table_info(@table) WHERE name = @column;";

    public const string CreateIndexes = """
        CREATE INDEX IF NOT EXISTS lecture_progress_completed_on ON lecture_progress (user_id, completed_on) WHERE completed_on IS NOT NULL;
        CREATE INDEX IF NOT EXISTS lecture_progress_by_course ON lecture_progress (course_id);
        CREATE INDEX IF NOT EXISTS attempts_by_course ON attempts (course_id);
        """;

    // WAL survives a killed process with either synchronous setting; FULL syncs the log at each commit, so a committed
    // transaction also survives a power loss (https://www.sqlite.org/pragma.html#pragma_synchronous), and NORMAL syncs
    // it only at checkpoints. A flush rewrites the same index pages bucket after bucket: letting the WAL reach 64 MiB
    // before it is copied back into the file copies each such page once per checkpoint instead of every 4 MiB (a backlog
    // flush 25-30 % faster), and the file is cut back to that size after each checkpoint.
    public static string ConnectionPragmas(bool syncToDisk) =>
        $"PRAGMA synchronous = {(syncToDisk ? "FULL" : "NORMAL")}; PRAGMA wal_autocheckpoint = 16384; PRAGMA journal_size_limit = 67108864;";

    public const string ReadLectures = """
        SELECT lecture_id, position, updated_at, furthest, coverage, completed, completed_on
        FROM lecture_progress WHERE user_id = @user AND course_id = @course;
        """;

    public const string ReadLecturesOfCourses = """
        SELECT course_id, lecture_id, position, updated_at, furthest, coverage, completed, completed_on
        FROM lecture_progress WHERE user_id = @user AND course_id IN @courses;
        """;

    public const string UpsertLecture = """
        INSERT INTO lecture_progress (user_id, course_id, lecture_id, position, updated_at, furthest, coverage, completed, completed_on)
        VALUES (@user, @course, @lecture, @position, @updatedAt, @furthest, @coverage, @completed, @completedOn)
        ON CONFLICT (user_id, course_id, lecture_id) DO UPDATE SET
            position = excluded.position, updated_at = excluded.updated_at, furthest = excluded.furthest,
            coverage = excluded.coverage, completed = excluded.completed, completed_on = excluded.completed_on;
        """;

    public const string ReadCompletedLectures = """
        SELECT course_id AS CourseId, lecture_id AS LectureId, completed AS Completed FROM lecture_progress WHERE user_id = @user;
        """;

    public const string Durations = "SELECT lecture_id, duration_seconds FROM lectures WHERE course_id = @course;";

    /// <summary>A DayOfWeek number (0 = Sunday).</summary>
    public const string ReadWeekStart = "SELECT week_start FROM learners WHERE user_id = @user;";
    public const string SetWeekStart = """
        INSERT INTO learners (user_id, week_start) VALUES (@user, @day)
        ON CONFLICT (user_id) DO UPDATE SET week_start = excluded.week_start;
        """;

    public const string ReadTimeZone = "SELECT time_zone FROM learners WHERE user_id = @user;";
    public const string ReadLearner = "SELECT time_zone, week_start, board_name FROM learners WHERE user_id = @user;";

    /// <summary>The name shown on the weekly boards; NULL while the learner is not on them.</summary>
    public const string ReadBoardName = "SELECT board_name FROM learners WHERE user_id = @user;";
    public const string SetBoardName = """
        INSERT INTO learners (user_id, board_name) VALUES (@user, @name)
        ON CONFLICT (user_id) DO UPDATE SET board_name = excluded.board_name;
        """;

    public const string ReadGoals = "SELECT from_day, minutes, lectures FROM weekly_goals WHERE user_id = @user ORDER BY from_day;";
    public const string SetGoal = """
        INSERT INTO weekly_goals (user_id, from_day, minutes, lectures) VALUES (@user, @from, @minutes, @lectures)
        ON CONFLICT (user_id, from_day) DO UPDATE SET minutes = excluded.minutes, lectures = excluded.lectures;
        """;
    public const string SetTimeZone = """
        INSERT INTO learners (user_id, time_zone) VALUES (@user, @zone)
        ON CONFLICT (user_id) DO UPDATE SET time_zone = excluded.time_zone;
        """;

    // Totals are derived from what is stored, never counted on write, so a replayed flush cannot count twice.
    public const string ReadSummary = """
        SELECT (SELECT COUNT(*) FROM lecture_progress WHERE user_id = @user AND completed = 1) AS TotalCompleted,
               (SELECT COALESCE(SUM(seconds), 0) FROM activity_days WHERE user_id = @user) AS TotalWatchSeconds,
               (SELECT COALESCE(MAX(end_day - start_day + 1), 0) FROM activity_runs WHERE user_id = @user) AS LongestStreak;
        SELECT start_day AS Start, end_day AS End FROM activity_runs
        WHERE user_id = @user AND (end_day >= @from OR end_day = (SELECT MAX(end_day) FROM activity_runs WHERE user_id = @user))
        ORDER BY end_day;
        """;

    public const string ReadDay = "SELECT seconds, marks, played FROM activity_days WHERE user_id = @user AND day = @day;";
    public const string UpsertDay = """
        INSERT INTO activity_days (user_id, day, seconds, marks, played) VALUES (@user, @day, @seconds, @marks, @played)
        ON CONFLICT (user_id, day) DO UPDATE SET seconds = excluded.seconds, marks = excluded.marks, played = excluded.played;
        """;

    /// <summary>A day is listed when it has activity or a completion; its count of completions comes from the lectures.</summary>
    public const string ReadDays = """
        WITH days (day) AS (
            SELECT day FROM activity_days WHERE user_id = @user AND day BETWEEN @from AND @to
            UNION
            SELECT completed_on FROM lecture_progress WHERE user_id = @user AND completed_on BETWEEN @from AND @to)
        SELECT days.day AS Day, COALESCE(a.played, '') AS Played, COALESCE(a.seconds, 0) AS Seconds, COALESCE(a.marks, 0) AS Marks,
               (SELECT COUNT(*) FROM lecture_progress lp WHERE lp.user_id = @user AND lp.completed_on = days.day) AS Completions
        FROM days LEFT JOIN activity_days a ON a.user_id = @user AND a.day = days.day
        ORDER BY days.day;
        """;

    public const string ReadAllLectures = """
        SELECT course_id, lecture_id, position, updated_at, furthest, coverage, completed, completed_on
        FROM lecture_progress WHERE user_id = @user ORDER BY course_id, lecture_id;
        """;
    public const string ReadAllDays = "SELECT day, played, seconds, marks FROM activity_days WHERE user_id = @user ORDER BY day;";
    public const string ReadRunsInOrder = "SELECT start_day, end_day FROM activity_runs WHERE user_id = @user ORDER BY start_day;";

    /// <summary>Every table that names a learner; a new one must be added here, or an erase leaves it behind.</summary>
    public const string EraseLearner = """
        DELETE FROM lecture_progress WHERE user_id = @user;
        DELETE FROM activity_days WHERE user_id = @user;
        DELETE FROM activity_runs WHERE user_id = @user;
        DELETE FROM learners WHERE user_id = @user;
        DELETE FROM weekly_goals WHERE user_id = @user;
        DELETE FROM day_marks WHERE user_id = @user;
        DELETE FROM achievements WHERE user_id = @user;
        DELETE FROM attempts WHERE user_id = @user;
        DELETE FROM webhook_attempts WHERE event_id IN (SELECT id FROM events WHERE user_id = @user);
        DELETE FROM webhook_deliveries WHERE event_id IN (SELECT id FROM events WHERE user_id = @user);
        DELETE FROM events WHERE user_id = @user;
        """;

    public const string ListCourses = "SELECT id FROM courses ORDER BY id;";
    public const string ReadCourseLectures = """
        SELECT user_id AS UserId, lecture_id AS LectureId, coverage AS Coverage, completed AS Completed
        FROM lecture_progress WHERE course_id = @course;
        """;
    public const string SaveCourseAnalytics = """
        INSERT INTO course_analytics (course_id, body) VALUES (@course, @body)
        ON CONFLICT (course_id) DO UPDATE SET body = excluded.body;
        """;
    public const string ReadCourseAnalytics = "SELECT body FROM course_analytics WHERE course_id = @course;";

    public const string ReadMarkKeys = "SELECT mark_key FROM day_marks WHERE user_id = @user AND day = @day;";
    public const string InsertMarkKey = "INSERT INTO day_marks (user_id, day, mark_key) VALUES (@user, @day, @key);";

    public const string ReadRuns = "SELECT start_day, end_day FROM activity_runs WHERE user_id = @user;";
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
    public static string ShiftLectureCount(int by) => $"UPDATE courses SET total_lectures = total_lectures + {by} WHERE id = @course;";

    public const string PutSkill = """
        INSERT INTO skills (id, name, description) VALUES (@id, @name, @description)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description;
        """;
    public const string SkillExists = "SELECT 1 FROM skills WHERE id = @id;";
    public const string ListSkills = "SELECT id AS Id, name AS Name, description AS Description FROM skills ORDER BY id;";

    public const string QuizExists = "SELECT 1 FROM quizzes WHERE course_id = @course AND quiz_id = @quiz;";
    public const string PutQuiz = """
        INSERT INTO quizzes (course_id, quiz_id, body) VALUES (@course, @quiz, @body)
        ON CONFLICT (course_id, quiz_id) DO UPDATE SET body = excluded.body;
        """;
    public const string ReadQuiz = "SELECT body FROM quizzes WHERE course_id = @course AND quiz_id = @quiz;";
    public const string ListQuizzes = "SELECT body FROM quizzes WHERE course_id = @course ORDER BY quiz_id;";

    public const string ReadAttempt = "SELECT body FROM attempts WHERE user_id = @user AND attempt_id = @attempt;";
    public const string InsertAttempt = """
        INSERT INTO attempts (user_id, attempt_id, course_id, submitted_at, body) VALUES (@user, @attempt, @course, @submittedAt, @body);
        """;
    public const string ReadLearnerAttempts = "SELECT body FROM attempts WHERE user_id = @user ORDER BY submitted_at, attempt_id;";
    public const string ReadCourseAttempts = "SELECT body FROM attempts WHERE course_id = @course ORDER BY submitted_at, attempt_id;";
}
