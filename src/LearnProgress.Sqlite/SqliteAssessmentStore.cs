using System.Text.Json;
using Dapper;
using LearnProgress.Core;
using LearnProgress.Core.Assessments;
using Microsoft.Data.Sqlite;

namespace LearnProgress.Sqlite;

/// <summary>
/// Skills, quizzes and attempts in the SQLite file. A quiz and an attempt are kept as JSON beside the columns they are
/// found by; an attempt is written with its events in one transaction, keyed by (user_id, attempt_id).
/// </summary>
public sealed class SqliteAssessmentStore(SqliteDatabase database) : IAssessmentStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<bool> PutSkillAsync(Skill skill, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await using var transaction = connection.BeginTransaction(deferred: false);
        var created = await connection.ExecuteScalarAsync<long?>(Schema.SkillExists, new { id = skill.Id }, transaction) is null;
        await connection.ExecuteAsync(Schema.PutSkill, new { id = skill.Id, name = skill.Name, description = skill.Description }, transaction);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    public async Task<IReadOnlyList<Skill>> ListSkillsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return (await connection.QueryAsync<(string Id, string Name, string? Description)>(Schema.ListSkills))
            .Select(s => new Skill(s.Id, s.Name, s.Description)).ToList();
    }

    public async Task<CatalogWrite> PutQuizAsync(Quiz quiz, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await using var transaction = connection.BeginTransaction(deferred: false);
        var ids = new { course = quiz.CourseId, quiz = quiz.QuizId, body = JsonSerializer.Serialize(quiz, Json) };
        if (await connection.ExecuteScalarAsync<long?>(Schema.CourseExists, ids, transaction) is null) return CatalogWrite.CourseNotFound;
        var created = await connection.ExecuteScalarAsync<long?>(Schema.QuizExists, ids, transaction) is null;
        await connection.ExecuteAsync(Schema.PutQuiz, ids, transaction);
        await transaction.CommitAsync(cancellationToken);
        return created ? CatalogWrite.Created : CatalogWrite.Updated;
    }

    public async Task<Quiz?> GetQuizAsync(string courseId, string quizId, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        var body = await connection.ExecuteScalarAsync<string?>(Schema.ReadQuiz, new { course = courseId, quiz = quizId });
        return body is null ? null : JsonSerializer.Deserialize<Quiz>(body, Json);
    }

    public async Task<IReadOnlyList<Quiz>> ListQuizzesAsync(string courseId, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return (await connection.QueryAsync<string>(Schema.ListQuizzes, new { course = courseId }))
            .Select(b => JsonSerializer.Deserialize<Quiz>(b, Json)!).ToList();
    }

    public async Task<AttemptWrite> SubmitAsync(AttemptSubmission submission, Func<IReadOnlyList<StoredAttempt>, AttemptPlan> plan,
        CancellationToken cancellationToken = default)
    {
        try
        {
            using var writing = await database.WriteLockAsync(cancellationToken);
            await using var connection = database.Open();
            await using var transaction = connection.BeginTransaction(deferred: false);
            var user = new { user = submission.UserId, attempt = submission.AttemptId };
            if (await connection.ExecuteScalarAsync<string?>(Schema.ReadAttempt, user, transaction) is { } existing)
                return new AttemptWrite(Attempt(existing), Created: false, []);
            var history = (await connection.QueryAsync<string>(Schema.ReadLearnerAttempts, user, transaction)).Select(Attempt).ToList();
            var decided = plan(history);
            var a = decided.Attempt;
            await connection.ExecuteAsync(Schema.InsertAttempt, new
            {
                user = a.UserId, attempt = a.AttemptId, course = a.CourseId, submittedAt = a.SubmittedAt, body = JsonSerializer.Serialize(a, Json),
            }, transaction);
            // The outbox: the events commit with the attempt that caused them, or not at all.
            foreach (var e in decided.Events)
                await connection.ExecuteAsync(Schema.InsertEvent, new
                {
                    id = e.Id.ToString(), type = e.Type, user = e.UserId, timestamp = e.Timestamp.ToUnixTimeMilliseconds(), data = e.Data,
                }, transaction);
            await transaction.CommitAsync(cancellationToken);
            return new AttemptWrite(a, Created: true, decided.Events);
        }
        catch (SqliteException ex) when (SqliteDatabase.IsUnavailable(ex))
        {
            throw new StoreUnavailableException($"The SQLite store cannot take the attempt now: {ex.Message}", ex);
        }
    }

    public async Task<IReadOnlyList<StoredAttempt>> ReadLearnerAttemptsAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return (await connection.QueryAsync<string>(Schema.ReadLearnerAttempts, new { user = userId })).Select(Attempt).ToList();
    }

    public async Task<IReadOnlyList<StoredAttempt>> ReadCourseAttemptsAsync(string courseId, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return (await connection.QueryAsync<string>(Schema.ReadCourseAttempts, new { course = courseId })).Select(Attempt).ToList();
    }

    private static StoredAttempt Attempt(string body) => JsonSerializer.Deserialize<StoredAttempt>(body, Json)!;
}
