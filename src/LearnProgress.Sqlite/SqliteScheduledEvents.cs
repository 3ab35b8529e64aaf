using Dapper;
using LearnProgress.Core.Events;

namespace LearnProgress.Sqlite;

/// <summary>Scheduled events in the events table, inserted if absent by id in one write transaction.</summary>
public sealed class SqliteScheduledEvents(SqliteDatabase database) : IScheduledEvents
{
    public async Task<IReadOnlyList<string>> LearnersWithDaysAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT user_id FROM activity_days WHERE day BETWEEN @first AND @last ORDER BY user_id;",
            new { first = first.DayNumber, last = last.DayNumber }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<IReadOnlySet<Guid>> StoredAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0) return new HashSet<Guid>();
        await using var connection = database.Open();
        var stored = new HashSet<Guid>();
        // SQLite binds at most 32766 parameters per statement.
        foreach (var chunk in ids.Chunk(10_000))
            foreach (var id in await connection.QueryAsync<string>(new CommandDefinition(
                         "SELECT id FROM events WHERE id IN @ids;", new { ids = chunk.Select(i => i.ToString()).ToList() }, cancellationToken: cancellationToken)))
                stored.Add(Guid.Parse(id));
        return stored;
    }

    public async Task<IReadOnlyList<LearningEvent>> WriteAsync(IReadOnlyList<LearningEvent> events, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0) return [];
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await using var transaction = connection.BeginTransaction();
        var added = new List<LearningEvent>();
        foreach (var e in events.DistinctBy(e => e.Id))
            if (await connection.ExecuteAsync(Schema.InsertEvent, new
                {
                    id = e.Id.ToString(), type = e.Type, user = e.UserId, timestamp = e.Timestamp.ToUnixTimeMilliseconds(), data = e.Data,
                }, transaction) > 0)
                added.Add(e);
        await transaction.CommitAsync(cancellationToken);
        return added;
    }
}
