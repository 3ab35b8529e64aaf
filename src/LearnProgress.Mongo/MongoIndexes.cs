using MongoDB.Bson;
using MongoDB.Driver;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Mongo;

/// <summary>
/// The store's indexes. The unique ones are load-bearing: a guarded upsert whose guard fails must collide with the
/// existing document (and be retried) instead of inserting a second one. Both start with userId, so they stay
/// enforceable when the collections are sharded on userId.
/// </summary>
public static class MongoIndexes
{
    public static readonly CreateIndexModel<BsonDocument> ProgressByLearnerAndCourse = new(
        new BsonDocumentIndexKeysDefinition<BsonDocument>(new BsonDocument { { Progress.UserId, 1 }, { Progress.CourseId, 1 } }),
        new CreateIndexOptions { Name = "userId_courseId", Unique = true });

    public static readonly CreateIndexModel<BsonDocument> ActivityByLearnerAndDate = new(
        new BsonDocumentIndexKeysDefinition<BsonDocument>(new BsonDocument { { Activity.UserId, 1 }, { Activity.Date, 1 } }),
        new CreateIndexOptions { Name = "userId_date", Unique = true });

    /// <summary>Creating an index that exists with the same definition is a no-op, so every instance runs this at start-up.</summary>
    public static async Task CreateAsync(IMongoDatabase database, CancellationToken cancellationToken = default)
    {
        await database.GetCollection<BsonDocument>(Progress.Collection).Indexes
            .CreateOneAsync(ProgressByLearnerAndCourse, cancellationToken: cancellationToken);
        await database.GetCollection<BsonDocument>(Activity.Collection).Indexes
            .CreateOneAsync(ActivityByLearnerAndDate, cancellationToken: cancellationToken);
    }
}
