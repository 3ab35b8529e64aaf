using System.Text.Json;
using Dapper;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.Progress;

namespace LearnProgress.Sqlite;

/// <summary>Course analytics on SQLite: every learner's lectures of a course in, one JSON row per course out.</summary>
public sealed class SqliteCourseAnalytics(SqliteDatabase database) : ICourseAnalyticsStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<string>> ListCoursesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return (await connection.QueryAsync<string>(Schema.ListCourses)).ToList();
    }

    public async Task<IReadOnlyList<LearnerLecture>> ReadCourseAsync(string courseId, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        var rows = await connection.QueryAsync<(string UserId, string LectureId, string Coverage, long Completed)>(
            Schema.ReadCourseLectures, new { course = courseId });
        return rows.Select(r => new LearnerLecture(r.UserId, r.LectureId, Coverage.Parse(r.Coverage), r.Completed != 0)).ToList();
    }

    public async Task SaveAsync(CourseAnalytics analytics, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await connection.ExecuteAsync(Schema.SaveCourseAnalytics, new { course = analytics.CourseId, body = JsonSerializer.Serialize(analytics, Json) });
    }

    public async Task<CourseAnalytics?> ReadAsync(string courseId, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        var body = await connection.ExecuteScalarAsync<string?>(Schema.ReadCourseAnalytics, new { course = courseId });
        return body is null ? null : JsonSerializer.Deserialize<CourseAnalytics>(body, Json);
    }
}
