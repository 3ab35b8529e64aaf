using Dapper;
using LearnProgress.Core.Goals;
using Microsoft.Data.Sqlite;
using LearnProgress.Core;
using LearnProgress.Core.Catalog;

namespace LearnProgress.Sqlite;

public sealed class SqliteCourseCatalog(SqliteDatabase database) : ICourseCatalog
{
    public async Task<Course?> GetCourseAsync(string courseId, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        await using var results = await connection.QueryMultipleAsync(Schema.ReadCourse, new { course = courseId });
        var course = await results.ReadSingleOrDefaultAsync<(string Title, long TotalLectures)?>();
        if (course is not { } c) return null;
        var lectures = (await results.ReadAsync<(string Id, string Title, double DurationSeconds)>())
            .Select(l => new Lecture(l.Id, l.Title, l.DurationSeconds)).ToList();
        return new Course(courseId, c.Title, (int)c.TotalLectures, lectures);
    }

    public async Task<bool> CreateCourseAsync(string courseId, string title, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        return await connection.ExecuteAsync(Schema.InsertCourse, new { course = courseId, title }) == 1;
    }

    public async Task<LectureWrite> PutLectureAsync(string courseId, Lecture lecture, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await using var transaction = connection.BeginTransaction(deferred: false);
        var ids = new { course = courseId, lecture = lecture.Id };
        if (await connection.ExecuteScalarAsync<long?>(Schema.CourseExists, ids, transaction) is null)
            return LectureWrite.CourseNotFound;
        var created = await connection.ExecuteScalarAsync<long?>(Schema.LectureExists, ids, transaction) is null;
        await connection.ExecuteAsync(Schema.PutLecture, new { course = courseId, lecture = lecture.Id, title = lecture.Title, duration = lecture.DurationSeconds }, transaction);
        if (created) await connection.ExecuteAsync(Schema.ShiftLectureCount(+1), ids, transaction);
        await transaction.CommitAsync(cancellationToken);
        return created ? LectureWrite.Created : LectureWrite.Updated;
    }

    public async Task<bool> DeleteLectureAsync(string courseId, string lectureId, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await using var transaction = connection.BeginTransaction(deferred: false);
        var ids = new { course = courseId, lecture = lectureId };
        if (await connection.ExecuteAsync(Schema.DeleteLecture, ids, transaction) == 0) return false;
        await connection.ExecuteAsync(Schema.ShiftLectureCount(-1), ids, transaction);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}

public sealed class SqliteLearnerSettings(SqliteDatabase database) : ILearnerSettings
{
    public async Task<string?> GetTimeZoneAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return await connection.ExecuteScalarAsync<string?>(Schema.ReadTimeZone, new { user = userId });
    }

    public async Task SetTimeZoneAsync(string userId, string timeZone, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await connection.ExecuteAsync(Schema.SetTimeZone, new { user = userId, zone = timeZone });
    }

    public async Task<DayOfWeek?> GetWeekStartAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return await connection.ExecuteScalarAsync<long?>(Schema.ReadWeekStart, new { user = userId }) is { } day ? (DayOfWeek)day : null;
    }

    public async Task SetWeekStartAsync(string userId, DayOfWeek weekStart, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await connection.ExecuteAsync(Schema.SetWeekStart, new { user = userId, day = (int)weekStart });
    }

    public async Task<IReadOnlyList<GoalChange>> GetGoalsAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return await ReadGoalsAsync(connection, userId, null, cancellationToken);
    }

    public async Task SetGoalAsync(string userId, GoalChange change, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await connection.ExecuteAsync(Schema.SetGoal,
            new { user = userId, from = change.From.DayNumber, minutes = change.Goal.Minutes, lectures = change.Goal.Lectures });
    }

    public async Task<string?> GetBoardNameAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return await connection.ExecuteScalarAsync<string?>(Schema.ReadBoardName, new { user = userId });
    }

    public async Task SetBoardNameAsync(string userId, string? displayName, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await connection.ExecuteAsync(Schema.SetBoardName, new { user = userId, name = displayName });
    }

    internal static async Task<IReadOnlyList<GoalChange>> ReadGoalsAsync(
        SqliteConnection connection, string userId, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        var goals = new List<GoalChange>();
        await using var reader = await connection.ExecuteReaderAsync(Schema.ReadGoals, new { user = userId }, transaction);
        while (await reader.ReadAsync(cancellationToken)) goals.Add(ReadGoal(reader));
        return goals;
    }

    internal static GoalChange ReadGoal(System.Data.Common.DbDataReader reader) =>
        new(DateOnly.FromDayNumber(reader.GetInt32(0)), new WeeklyGoal(reader.GetInt32(1), reader.GetInt32(2)));
}
