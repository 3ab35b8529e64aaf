using MongoDB.Bson;
using MongoDB.Driver;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Mongo;

/// <summary>
/// The store's indexes. The unique ones are load-bearing: a guarded upsert whose guard fails must collide with the
/// existing document (and be retried) instead of inserting a second one, and an award held already must collide with
/// the one stored. Each of those starts with userId, so they stay enforceable when the collections are sharded on userId.
/// </summary>
public static class MongoIndexes
{
    public static readonly CreateIndexModel<BsonDocument> ProgressByLearnerAndCourse = new(
        new BsonDocumentIndexKeysDefinition<BsonDocument>(new BsonDocument { { Progress.UserId, 1 }, { Progress.CourseId, 1 } }),
        new CreateIndexOptions { Name = "userId_courseId", Unique = true });

    /// <summary>
    /// Course analytics read a course's documents in pages by _id (see <see cref="MongoCourseAnalytics"/>): equality on
    /// courseId then the _id range and order, so a page is an index range, never a scan of the collection or a sort.
    /// </summary>
    public static readonly CreateIndexModel<BsonDocument> ProgressByCourse = Index(
        new BsonDocument { { Progress.CourseId, 1 }, { Id, 1 } }, "courseId__id");

    public static readonly CreateIndexModel<BsonDocument> ActivityByLearnerAndDate = new(
        new BsonDocumentIndexKeysDefinition<BsonDocument>(new BsonDocument { { Activity.UserId, 1 }, { Activity.Date, 1 } }),
        new CreateIndexOptions { Name = "userId_date", Unique = true });

    /// <summary>The weekly report job finds the learners with days in a range by this.</summary>
    public static readonly CreateIndexModel<BsonDocument> ActivityByDate = Index(new BsonDocument(Activity.Date, 1), "date");

    /// <summary>The feed reads events in this order; a number is unique by the counter that hands it out.</summary>
    public static readonly CreateIndexModel<BsonDocument> EventsBySequence = Index(new BsonDocument(Events.Sequence, 1), "seq");

    /// <summary>An erase finds the learner's events (and through them their deliveries) by this.</summary>
    public static readonly CreateIndexModel<BsonDocument> EventsByLearner = Index(new BsonDocument(Events.UserId, 1), "userId");

    public static readonly CreateIndexModel<BsonDocument> DeliveriesDue = Index(
        new BsonDocument { { WebhookDeliveries.Status, 1 }, { WebhookDeliveries.NextAttemptAt, 1 } }, "status_nextAttemptAt");

    public static readonly CreateIndexModel<BsonDocument> DeliveriesByEndpoint = Index(
        new BsonDocument { { WebhookDeliveries.EndpointId, 1 }, { WebhookDeliveries.CreatedAt, -1 } }, "endpointId_createdAt");

    public static readonly CreateIndexModel<BsonDocument> DeliveriesByEvent = Index(new BsonDocument(WebhookDeliveries.EventId, 1), "eventId");

    public static readonly CreateIndexModel<BsonDocument> AttemptsByEndpoint = Index(
        new BsonDocument { { WebhookAttempts.EndpointId, 1 }, { WebhookAttempts.At, -1 } }, "endpointId_at");

    public static readonly CreateIndexModel<BsonDocument> AttemptsByEvent = Index(new BsonDocument(WebhookAttempts.EventId, 1), "eventId");

    /// <summary>Awarding twice is one award: the second insert collides here.</summary>
    public static readonly CreateIndexModel<BsonDocument> AchievementsByLearner = new(
        new BsonDocumentIndexKeysDefinition<BsonDocument>(new BsonDocument { { Achievements.UserId, 1 }, { Achievements.AchievementId, 1 } }),
        new CreateIndexOptions { Name = "userId_achievementId", Unique = true });

    /// <summary>A learner's attempts, in the order mastery folds them.</summary>
    public static readonly CreateIndexModel<BsonDocument> AttemptsByLearner = Index(
        new BsonDocument { { Attempts.UserId, 1 }, { Attempts.SubmittedAt, 1 } }, "userId_submittedAt");

    /// <summary>Quiz analytics read a course's attempts by this.</summary>
    public static readonly CreateIndexModel<BsonDocument> AttemptsByCourse = Index(new BsonDocument(Attempts.CourseId, 1), "courseId");

    /// <summary>One current credential per learner and certification: a concurrent second issue collides here.</summary>
    public static readonly CreateIndexModel<BsonDocument> CurrentCredential = new(
        new BsonDocumentIndexKeysDefinition<BsonDocument>(new BsonDocument { { Credentials.UserId, 1 }, { Credentials.CertificationId, 1 } }),
        new CreateIndexOptions<BsonDocument>
        {
            Name = "userId_certificationId_current", Unique = true,
            PartialFilterExpression = new BsonDocumentFilterDefinition<BsonDocument>(new BsonDocument(Credentials.Current, true)),
        });

    /// <summary>A learner's credentials, for the export, the erase and the progress read.</summary>
    public static readonly CreateIndexModel<BsonDocument> CredentialsByLearner = Index(
        new BsonDocument { { Credentials.UserId, 1 }, { Credentials.IssuedAt, 1 } }, "userId_issuedAt");

    /// <summary>A status index belongs to one credential.</summary>
    public static readonly CreateIndexModel<BsonDocument> CredentialsByStatusIndex = new(
        new BsonDocumentIndexKeysDefinition<BsonDocument>(new BsonDocument(Credentials.StatusIndex, 1)),
        new CreateIndexOptions { Name = "statusIndex", Unique = true });

    /// <summary>Creating an index that exists with the same definition is a no-op, so every instance runs this at start-up.</summary>
    public static async Task CreateAsync(IMongoDatabase database, CancellationToken cancellationToken = default)
    {
        await database.GetCollection<BsonDocument>(Progress.Collection).Indexes
            .CreateManyAsync([ProgressByLearnerAndCourse, ProgressByCourse], cancellationToken);
        await database.GetCollection<BsonDocument>(Activity.Collection).Indexes
            .CreateManyAsync([ActivityByLearnerAndDate, ActivityByDate], cancellationToken);
        await database.GetCollection<BsonDocument>(Events.Collection).Indexes
            .CreateManyAsync([EventsBySequence, EventsByLearner], cancellationToken);
        await database.GetCollection<BsonDocument>(WebhookDeliveries.Collection).Indexes
            .CreateManyAsync([DeliveriesDue, DeliveriesByEndpoint, DeliveriesByEvent], cancellationToken);
        await database.GetCollection<BsonDocument>(WebhookAttempts.Collection).Indexes
            .CreateManyAsync([AttemptsByEndpoint, AttemptsByEvent], cancellationToken);
        await database.GetCollection<BsonDocument>(Achievements.Collection).Indexes
            .CreateOneAsync(AchievementsByLearner, cancellationToken: cancellationToken);
        await database.GetCollection<BsonDocument>(Attempts.Collection).Indexes
            .CreateManyAsync([AttemptsByLearner, AttemptsByCourse], cancellationToken);
        await database.GetCollection<BsonDocument>(Credentials.Collection).Indexes
            .CreateManyAsync([CurrentCredential, CredentialsByLearner, CredentialsByStatusIndex], cancellationToken);
    }

    private static CreateIndexModel<BsonDocument> Index(BsonDocument keys, string name) =>
        new(new BsonDocumentIndexKeysDefinition<BsonDocument>(keys), new CreateIndexOptions { Name = name });
}
