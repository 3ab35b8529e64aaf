using LearnProgress.Core;
using LearnProgress.Core.Catalog;
using LearnProgress.Core.Progress;
using Microsoft.Data.Sqlite;

namespace LearnProgress.Sqlite;

/// <summary>The embedded system of record: one SQLite file in WAL mode.</summary>
public sealed class SqliteProgressStore : IProgressStore
{
    private readonly string _connectionString;

    public SqliteProgressStore(string databasePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        using var connection = Open();
        Execute(connection, Schema.Create);
    }

    public async Task UpsertProgressAsync(IReadOnlyList<CourseProgressSnapshot> batch, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction();
        await using var command = connection.CreateCommand();
        command.CommandText = Schema.UpsertProgress;
        var user = command.Parameters.Add("$user", SqliteType.Text);
        var course = command.Parameters.Add("$course", SqliteType.Text);
        var lecture = command.Parameters.Add("$lecture", SqliteType.Text);
        var position = command.Parameters.Add("$position", SqliteType.Real);
        var updatedAt = command.Parameters.Add("$updatedAt", SqliteType.Integer);
        var furthest = command.Parameters.Add("$furthest", SqliteType.Real);
        command.Prepare();
        foreach (var snapshot in batch)
        {
            user.Value = snapshot.UserId;
            course.Value = snapshot.CourseId;
            foreach (var (lectureId, progress) in snapshot.Lectures)
            {
                lecture.Value = lectureId;
                position.Value = progress.Position;
                updatedAt.Value = progress.UpdatedAt;
                furthest.Value = progress.Furthest;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, LectureProgress>> ReadProgressAsync(string userId, string courseId, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = Schema.ReadProgress;
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$course", courseId);
        var result = new Dictionary<string, LectureProgress>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result[reader.GetString(0)] = new LectureProgress(reader.GetDouble(1), reader.GetInt64(2), reader.GetDouble(3));
        return result;
    }

    public async Task<Course?> GetCourseAsync(string courseId, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = Schema.ReadCourse;
        command.Parameters.AddWithValue("$course", courseId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var (title, total) = (reader.GetString(0), reader.GetInt32(1));
        await reader.NextResultAsync(cancellationToken);
        var lectures = new List<Lecture>();
        while (await reader.ReadAsync(cancellationToken))
            lectures.Add(new Lecture(reader.GetString(0), reader.GetString(1), reader.GetDouble(2)));
        return new Course(courseId, title, total, lectures);
    }

    public async Task<bool> CreateCourseAsync(string courseId, string title, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = Schema.InsertCourse;
        command.Parameters.AddWithValue("$course", courseId);
        command.Parameters.AddWithValue("$title", title);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<LectureWrite> PutLectureAsync(string courseId, Lecture lecture, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (!await ExistsAsync(connection, Schema.CourseExists, courseId, null, cancellationToken))
            return LectureWrite.CourseNotFound;
        var created = !await ExistsAsync(connection, Schema.LectureExists, courseId, lecture.Id, cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = Schema.UpsertLecture + (created ? Schema.IncrementLectureCount : "");
            command.Parameters.AddWithValue("$course", courseId);
            command.Parameters.AddWithValue("$lecture", lecture.Id);
            command.Parameters.AddWithValue("$title", lecture.Title);
            command.Parameters.AddWithValue("$duration", lecture.DurationSeconds);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return created ? LectureWrite.Created : LectureWrite.Updated;
    }

    public async Task<bool> DeleteLectureAsync(string courseId, string lectureId, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = connection.CreateCommand();
        command.CommandText = Schema.DeleteLecture;
        command.Parameters.AddWithValue("$course", courseId);
        command.Parameters.AddWithValue("$lecture", lectureId);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0) return false;
        command.CommandText = Schema.DecrementLectureCount;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task CheckAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, Schema.ConnectionPragmas);
        return connection;
    }

    private static async Task<bool> ExistsAsync(SqliteConnection connection, string sql, string courseId, string? lectureId, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$course", courseId);
        if (lectureId is not null) command.Parameters.AddWithValue("$lecture", lectureId);
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
