using LearnProgress.Core.Achievements;
using LearnProgress.Core.Events;
using MongoDB.Bson;
using MongoDB.Driver;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Mongo;

/// <summary>
/// Earned achievements, one document per (learner, achievement) under a unique index, so awarding twice is one award.
/// The events go first, each inserted if absent by its deterministic id: a crash before the awards leaves events whose
/// awards the next look adds (deciding the same ids, so no second event), never an award without its event.
/// </summary>
public sealed class MongoAchievementStore : IAchievementStore
{
    private static readonly BulkWriteOptions Unordered = new() { IsOrdered = false };

    private readonly IMongoCollection<BsonDocument> _achievements;
    private readonly MongoEventWriter _events;

    public MongoAchievementStore(IMongoDatabase database)
    {
        var db = database.WithWriteConcern(Majority);
        // Awards are decided on the ones read: a majority read, so an award a failover could roll back is decided again.
        _achievements = db.WithReadConcern(ReadConcern.Majority).GetCollection<BsonDocument>(Achievements.Collection);
        _events = new MongoEventWriter(db);
    }

    public async Task<IReadOnlyList<EarnedAchievement>> ReadEarnedAsync(string userId, CancellationToken cancellationToken = default) =>
        (await _achievements.Find(new BsonDocument(Achievements.UserId, userId))
            .Sort(new BsonDocument { { Achievements.Day, 1 }, { Achievements.AchievementId, 1 } }).ToListAsync(cancellationToken))
        .Select(d => new EarnedAchievement(d[Achievements.AchievementId].AsString, ParseDay(d[Achievements.Day].AsString))).ToList();

    public async Task<IReadOnlyList<LearningEvent>> AwardAsync(string userId, IReadOnlyList<(EarnedAchievement Award, LearningEvent Event)> awards,
        CancellationToken cancellationToken = default)
    {
        if (awards.Count == 0) return [];
        await _events.WriteAsync(awards.Select(a => a.Event), cancellationToken);
        var held = new HashSet<int>();
        try
        {
            await _achievements.BulkWriteAsync(awards.Select(a => new InsertOneModel<BsonDocument>(Award(userId, a.Award))), Unordered, cancellationToken);
        }
        catch (MongoBulkWriteException<BsonDocument> ex) when (ex.WriteConcernError is null && ex.UnprocessedRequests.Count == 0 &&
                                                               ex.WriteErrors.All(e => e.Category == ServerErrorCategory.DuplicateKey))
        {
            held = ex.WriteErrors.Select(e => e.Index).ToHashSet();
        }
        return awards.Where((_, i) => !held.Contains(i)).Select(a => a.Event).ToList();
    }

    /// <summary>One award; a second one of the same (learner, achievement) collides on the unique index.</summary>
    public static BsonDocument Award(string userId, EarnedAchievement award) => new()
    {
        { Achievements.UserId, userId },
        { Achievements.AchievementId, award.AchievementId },
        { Achievements.Day, Day(award.Day) },
    };
}
