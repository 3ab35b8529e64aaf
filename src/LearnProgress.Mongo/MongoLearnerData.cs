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
    private readonly IMongoDatabase _database = database.WithWriteConcern(Majority);

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

    /// <summary>Each delete names the learner, so on a cluster sharded by userId it goes to one shard.</summary>
    public async Task EraseAsync(string userId, LearningEvent erased, CancellationToken cancellationToken = default)
    {
        await _database.GetCollection<BsonDocument>(Progress.Collection).DeleteManyAsync(EraseFilters.Progress(userId), cancellationToken);
        await _database.GetCollection<BsonDocument>(Activity.Collection).DeleteManyAsync(EraseFilters.Activity(userId), cancellationToken);
        await _database.GetCollection<BsonDocument>(Learners.Collection).DeleteOneAsync(EraseFilters.Learner(userId), cancellationToken);
        await _database.GetCollection<BsonDocument>(MongoNames.Events.Collection).DeleteManyAsync(EraseFilters.Events(userId), cancellationToken);
        // After the deletes, which remove the learner's own events: this one names no owner and stays.
        await _database.GetCollection<BsonDocument>(MongoNames.Events.Collection).BulkWriteAsync(WriteModels.ForEvents([erased]), cancellationToken: cancellationToken);
    }
}

/// <summary>The filters an erase deletes by, built from data alone so their BSON can be checked without a server.</summary>
public static class EraseFilters
{
    public static BsonDocument Progress(string userId) => new(MongoNames.Progress.UserId, userId);
    public static BsonDocument Activity(string userId) => new(MongoNames.Activity.UserId, userId);
    public static BsonDocument Learner(string userId) => new(Id, userId);
    public static BsonDocument Events(string userId) => new(MongoNames.Events.UserId, userId);
}
