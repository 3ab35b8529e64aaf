using Dapper;
using LearnProgress.Core.Events;

namespace LearnProgress.Sqlite;

/// <summary>The events table, in the order of its autoincrement key: writers take turns, so that is commit order.</summary>
public sealed class SqliteEventLog(SqliteDatabase database) : IEventLog
{
    public async Task<IReadOnlyList<StoredEvent>> ReadAfterAsync(long after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        var rows = await connection.QueryAsync<(long Sequence, string Id, string Type, string UserId, long Timestamp, string Data)>(
            new CommandDefinition(Schema.ReadEventsAfter, new { after, limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new StoredEvent(r.Sequence,
            new LearningEvent(Guid.Parse(r.Id), r.Type, DateTimeOffset.FromUnixTimeMilliseconds(r.Timestamp), r.UserId, r.Data))).ToList();
    }
}
