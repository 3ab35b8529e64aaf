using Dapper;
using LearnProgress.Core.Events;

namespace LearnProgress.Sqlite;

/// <summary>
/// The events table, in the order of its autoincrement key. Writers take turns (one write transaction at a time, and a
/// reader sees only committed ones), so a number is visible only after every smaller one that will ever be written: the
/// numbers a reader has not seen are never in flight, and it reads on at once, with no settle window. An erase deletes
/// the learner's rows, and the gaps it leaves are simply not there to read; AUTOINCREMENT never hands an erased number
/// out again, so a consumer past it misses nothing written later.
/// </summary>
public sealed class SqliteEventLog(SqliteDatabase database) : IEventLog
{
    public async Task<EventLogPage> ReadAfterAsync(long after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        var rows = await connection.QueryAsync<(long Sequence, string Id, string Type, string UserId, long Timestamp, string Data)>(
            new CommandDefinition(Schema.ReadEventsAfter, new { after, limit }, cancellationToken: cancellationToken));
        var events = rows.Select(r => new StoredEvent(r.Sequence,
            new LearningEvent(Guid.Parse(r.Id), r.Type, DateTimeOffset.FromUnixTimeMilliseconds(r.Timestamp), r.UserId, r.Data))).ToList();
        return new EventLogPage(events, events.Count > 0 ? events[^1].Sequence : after);
    }
}
