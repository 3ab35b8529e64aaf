using LearnProgress.Core.Events;
using LearnProgress.Core;
using LearnProgress.Core.DataRights;
using LearnProgress.Core.Record;
using MongoDB.Bson;
using MongoDB.Driver;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Mongo;

/// <summary>Every document of one learner: the progress and activity documents by userId, the learner's own by _id.</summary>
public sealed class MongoLearnerData(IMongoDatabase database) : ILearnerData
{
    private static readonly BulkWriteOptions Unordered = new() { IsOrdered = false };
    private readonly IMongoDatabase _database = database.WithWriteConcern(Majority);
    private readonly MongoEventWriter _events = new(database.WithWriteConcern(Majority));

    public async Task<LearnerHoldings> ReadAllAsync(string userId, CancellationToken cancellationToken = default)
    {
        var progress = _database.GetCollection<BsonDocument>(Progress.Collection)
            .Find(new BsonDocument(Progress.UserId, userId)).ToListAsync(cancellationToken);
        var activity = _database.GetCollection<BsonDocument>(Activity.Collection)
            .Find(new BsonDocument(Activity.UserId, userId)).Sort(new BsonDocument(Activity.Date, 1)).ToListAsync(cancellationToken);
        var learner = await _database.GetCollection<BsonDocument>(Learners.Collection)
            .Find(new BsonDocument(Id, userId)).FirstOrDefaultAsync(cancellationToken);
        var lectures = (await progress).ToDictionary(
            d => d[Progress.CourseId].AsString,
            d => (IReadOnlyDictionary<string, StoredLecture>)StoredDocuments.Lectures(d), StringComparer.Ordinal);
        return new LearnerHoldings(StoredDocuments.TimeZone(learner), lectures, (await activity).Select(StoredDocuments.Day).ToList(),
            StoredDocuments.Runs(learner).OrderBy(r => r.Start).ToList());
    }

    /// <summary>
    /// Each delete names the learner, so on a cluster sharded by userId it goes to one shard; the webhook deliveries and
    /// attempts of the learner's events go by those events' ids, before the events themselves, so an erase repeated
    /// after a crash still finds them. Each numbered event leaves its place in the feed (<see cref="ErasedPlaces"/>),
    /// written before the event is deleted, so the feed never sees a hole there: it would wait the settle window at it.
    /// </summary>
    public async Task EraseAsync(string userId, LearningEvent erased, CancellationToken cancellationToken = default)
    {
        var events = _database.GetCollection<BsonDocument>(MongoNames.Events.Collection);
        await _database.GetCollection<BsonDocument>(Progress.Collection).DeleteManyAsync(EraseFilters.Progress(userId), cancellationToken);
        await _database.GetCollection<BsonDocument>(Activity.Collection).DeleteManyAsync(EraseFilters.Activity(userId), cancellationToken);
        await _database.GetCollection<BsonDocument>(Learners.Collection).DeleteOneAsync(EraseFilters.Learner(userId), cancellationToken);
        await _database.GetCollection<BsonDocument>(Achievements.Collection).DeleteManyAsync(EraseFilters.Achievements(userId), cancellationToken);
        // Mastery is folded from the attempts on each read, so removing them removes it.
        await _database.GetCollection<BsonDocument>(Attempts.Collection).DeleteManyAsync(EraseFilters.QuizAttempts(userId), cancellationToken);
        var learnerEvents = await events.Find(EraseFilters.Events(userId))
            .Project(new BsonDocument { { Id, 1 }, { MongoNames.Events.Sequence, 1 }, { MongoNames.Events.SequencedAt, 1 } })
            .ToListAsync(cancellationToken);
        if (learnerEvents.Count > 0)
        {
            var eventIds = learnerEvents.Select(e => e[Id].AsString).ToList();
            await _database.GetCollection<BsonDocument>(WebhookDeliveries.Collection).DeleteManyAsync(EraseFilters.Deliveries(eventIds), cancellationToken);
            await _database.GetCollection<BsonDocument>(WebhookAttempts.Collection).DeleteManyAsync(EraseFilters.Attempts(eventIds), cancellationToken);
            var places = learnerEvents.Where(e => e.Contains(MongoNames.Events.Sequence))
                .Select(e => ErasedPlaces.For(e[MongoNames.Events.Sequence].ToInt64(), e[MongoNames.Events.SequencedAt].ToUniversalTime()))
                .ToList();
            if (places.Count > 0)
                try
                {
                    await events.BulkWriteAsync(places, Unordered, cancellationToken);
                }
                catch (MongoBulkWriteException<BsonDocument> ex) when (ex.WriteConcernError is null && ex.UnprocessedRequests.Count == 0 &&
                                                                       ex.WriteErrors.All(e => e.Category == ServerErrorCategory.DuplicateKey))
                {
                    // A concurrent erase of the same learner wrote the same places.
                }
        }
        await events.DeleteManyAsync(EraseFilters.Events(userId), cancellationToken);
        // After the deletes, which remove the learner's own events: this one names no owner and stays.
        await _events.WriteAsync([erased], cancellationToken);
    }
}

/// <summary>The filters an erase deletes by, built from data alone so their BSON can be checked without a server.</summary>
public static class EraseFilters
{
    public static BsonDocument Progress(string userId) => new(MongoNames.Progress.UserId, userId);
    public static BsonDocument Activity(string userId) => new(MongoNames.Activity.UserId, userId);
    public static BsonDocument Learner(string userId) => new(Id, userId);
    public static BsonDocument Events(string userId) => new(MongoNames.Events.UserId, userId);
    public static BsonDocument Achievements(string userId) => new(MongoNames.Achievements.UserId, userId);
    public static BsonDocument QuizAttempts(string userId) => new(MongoNames.Attempts.UserId, userId);
    public static BsonDocument Deliveries(IEnumerable<string> eventIds) => new(WebhookDeliveries.EventId, new BsonDocument("$in", new BsonArray(eventIds)));
    public static BsonDocument Attempts(IEnumerable<string> eventIds) => new(WebhookAttempts.EventId, new BsonDocument("$in", new BsonArray(eventIds)));
}
