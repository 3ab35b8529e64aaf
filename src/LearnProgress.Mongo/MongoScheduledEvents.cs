using LearnProgress.Core.Events;
using MongoDB.Bson;
using MongoDB.Driver;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Mongo;

/// <summary>
/// Scheduled events through the same writer as every other event (numbered from the counter, inserted if absent by
/// their deterministic id), so they join the feed in its order.
/// </summary>
public sealed class MongoScheduledEvents : IScheduledEvents
{
    private readonly IMongoCollection<BsonDocument> _activity;
    private readonly IMongoCollection<BsonDocument> _events;
    private readonly MongoEventWriter _writer;

    public MongoScheduledEvents(IMongoDatabase database)
    {
        var db = database.WithWriteConcern(Majority);
        _activity = db.GetCollection<BsonDocument>(Activity.Collection);
        _events = db.WithReadConcern(ReadConcern.Majority).GetCollection<BsonDocument>(MongoNames.Events.Collection);
        _writer = new MongoEventWriter(db);
    }

    public async Task<IReadOnlyList<string>> LearnersWithDaysAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken = default)
    {
        var filter = new BsonDocument(Activity.Date, new BsonDocument { { "$gte", Day(first) }, { "$lte", Day(last) } });
        var learners = await (await _activity.DistinctAsync<string>(Activity.UserId, filter, cancellationToken: cancellationToken))
            .ToListAsync(cancellationToken);
        return learners.Order(StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlySet<Guid>> StoredAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0) return new HashSet<Guid>();
        var found = await _events.Find(new BsonDocument(Id, new BsonDocument("$in", new BsonArray(ids.Select(i => i.ToString())))))
            .Project(new BsonDocument(Id, 1)).ToListAsync(cancellationToken);
        return found.Select(d => Guid.Parse(d[Id].AsString)).ToHashSet();
    }

    public async Task<IReadOnlyList<LearningEvent>> WriteAsync(IReadOnlyList<LearningEvent> events, CancellationToken cancellationToken = default)
    {
        var before = await StoredAsync(events.Select(e => e.Id).ToList(), cancellationToken);
        await _writer.WriteAsync(events, cancellationToken);
        return events.Where(e => !before.Contains(e.Id)).DistinctBy(e => e.Id).ToList();
    }
}
