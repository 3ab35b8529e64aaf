using LearnProgress.Core.Events;
using Dapper;
using LearnProgress.Core;
using LearnProgress.Core.DataRights;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;

namespace LearnProgress.Sqlite;

/// <summary>Every row of one learner in the SQLite file, read in one snapshot or deleted in one transaction.</summary>
public sealed class SqliteLearnerData(SqliteDatabase database) : ILearnerData
{
    public async Task<LearnerHoldings> ReadAllAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        // One read transaction: the rows are one snapshot even while a flush writes.
        await using var transaction = connection.BeginTransaction(deferred: true);
        var zone = await connection.ExecuteScalarAsync<string?>(Schema.ReadTimeZone, new { user = userId }, transaction);
        var lectures = new Dictionary<string, IReadOnlyDictionary<string, StoredLecture>>(StringComparer.Ordinal);
        var rows = await connection.QueryAsync<(string CourseId, string LectureId, double Position, long UpdatedAt, double Furthest, string Coverage, long Completed, long? CompletedOn)>(
            Schema.ReadAllLectures, new { user = userId }, transaction);
        foreach (var r in rows)
        {
            if (!lectures.TryGetValue(r.CourseId, out var course)) lectures[r.CourseId] = course = new Dictionary<string, StoredLecture>(StringComparer.Ordinal);
            ((Dictionary<string, StoredLecture>)course)[r.LectureId] = new StoredLecture(
                new LectureProgress(r.Position, r.UpdatedAt, r.Furthest, Coverage.Parse(r.Coverage), r.Completed != 0),
                r.CompletedOn is { } on ? DateOnly.FromDayNumber((int)on) : null);
        }
        var days = (await connection.QueryAsync<(long Day, string Played, double Seconds, long Marks)>(Schema.ReadAllDays, new { user = userId }, transaction))
            .Select(d => new StoredDay(DateOnly.FromDayNumber((int)d.Day), Coverage.Parse(d.Played), d.Seconds, (int)d.Marks)).ToList();
        var runs = (await connection.QueryAsync<(long Start, long End)>(Schema.ReadRunsInOrder, new { user = userId }, transaction))
            .Select(r => new DayRun(DateOnly.FromDayNumber((int)r.Start), DateOnly.FromDayNumber((int)r.End))).ToList();
        await transaction.CommitAsync(cancellationToken);
        return new LearnerHoldings(zone, lectures, days, runs);
    }

    public async Task EraseAsync(string userId, LearningEvent erased, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await using var transaction = connection.BeginTransaction(deferred: false);
        await connection.ExecuteAsync(Schema.EraseLearner, new { user = userId }, transaction);
        // After the deletes, which remove the learner's own events: this one names no owner and stays.
        await connection.ExecuteAsync(Schema.InsertEvent, new
        {
            id = erased.Id.ToString(), type = erased.Type, user = erased.UserId, timestamp = erased.Timestamp.ToUnixTimeMilliseconds(), data = erased.Data,
        }, transaction);
        await transaction.CommitAsync(cancellationToken);
    }
}
