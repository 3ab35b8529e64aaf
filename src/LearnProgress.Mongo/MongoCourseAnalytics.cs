using System.Text.Json;
using LearnProgress.Core.Analytics;
using MongoDB.Bson;
using MongoDB.Driver;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Mongo;

/// <summary>Course analytics on MongoDB: the course's progress documents in, one document per course out.</summary>
public sealed class MongoCourseAnalytics(IMongoDatabase database) : ICourseAnalyticsStore
{
    public const string Collection = "courseAnalytics";
    public const string Body = "body";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly IMongoDatabase _database = database.WithWriteConcern(Majority);

    public async Task<IReadOnlyList<string>> ListCoursesAsync(CancellationToken cancellationToken = default) =>
        (await _database.GetCollection<BsonDocument>(Courses.Collection).Find(FilterDefinition<BsonDocument>.Empty)
            .Project(new BsonDocument(Id, 1)).ToListAsync(cancellationToken)).Select(d => d[Id].AsString).ToList();

    public async Task<IReadOnlyList<LearnerLecture>> ReadCourseAsync(string courseId, CancellationToken cancellationToken = default)
    {
        var rows = new List<LearnerLecture>();
        using var cursor = await _database.GetCollection<BsonDocument>(Progress.Collection)
            .FindAsync(new BsonDocument(Progress.CourseId, courseId), cancellationToken: cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
            foreach (var document in cursor.Current)
                foreach (var (lectureId, lecture) in StoredDocuments.Lectures(document))
                    rows.Add(new LearnerLecture(document[Progress.UserId].AsString, lectureId, lecture.Progress.Coverage, lecture.Completed));
        return rows;
    }

    public Task SaveAsync(CourseAnalytics analytics, CancellationToken cancellationToken = default) =>
        _database.GetCollection<BsonDocument>(Collection).ReplaceOneAsync(new BsonDocument(Id, analytics.CourseId),
            new BsonDocument { { Id, analytics.CourseId }, { Body, JsonSerializer.Serialize(analytics, Json) } },
            new ReplaceOptions { IsUpsert = true }, cancellationToken);

    public async Task<CourseAnalytics?> ReadAsync(string courseId, CancellationToken cancellationToken = default)
    {
        var document = await _database.GetCollection<BsonDocument>(Collection).Find(new BsonDocument(Id, courseId)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : JsonSerializer.Deserialize<CourseAnalytics>(document[Body].AsString, Json);
    }
}
