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

    /// <summary>Documents per page; a progress document holds one course's lectures of one learner, a few KiB at most.</summary>
    public const int PageSize = 500;

    /// <summary>Server time one page may take, well inside the client's 30 s socket timeout.</summary>
    public static readonly TimeSpan PageTime = TimeSpan.FromSeconds(10);

    public Task<IReadOnlyList<LearnerLecture>> ReadCourseAsync(string courseId, CancellationToken cancellationToken = default) =>
        ReadCourseAsync(courseId, PageSize, cancellationToken);

    /// <summary>
    /// The course's documents in pages by _id, each page its own find (limit and batch size the page, maxTime bounded)
    /// over the <see cref="MongoIndexes.ProgressByCourse"/> index. Not one cursor: a large course would hold it open
    /// for as long as the whole course takes and lose it to a failover or the idle cursor timeout, while each page is
    /// one short round trip, and what a page cannot do in its time fails as a timeout instead of a silent socket.
    /// </summary>
    internal async Task<IReadOnlyList<LearnerLecture>> ReadCourseAsync(string courseId, int pageSize, CancellationToken cancellationToken)
    {
        var progress = _database.GetCollection<BsonDocument>(Progress.Collection);
        var options = new FindOptions { BatchSize = pageSize, MaxTime = PageTime };
        var rows = new List<LearnerLecture>();
        BsonValue? after = null;
        while (true)
        {
            var page = await progress.Find(CoursePage(courseId, after), options)
                .Project(new BsonDocument { { Progress.UserId, 1 }, { Progress.Lectures, 1 } })
                .Sort(new BsonDocument(Id, 1)).Limit(pageSize).ToListAsync(cancellationToken);
            foreach (var document in page)
                foreach (var (lectureId, lecture) in StoredDocuments.Lectures(document))
                    rows.Add(new LearnerLecture(document[Progress.UserId].AsString, lectureId, lecture.Progress.Coverage, lecture.Completed));
            if (page.Count < pageSize) return rows;
            after = page[^1][Id];
        }
    }

    /// <summary>The filter of the page after the document whose _id is <paramref name="after"/> (the first page: null).</summary>
    public static BsonDocument CoursePage(string courseId, BsonValue? after) => after is null
        ? new BsonDocument(Progress.CourseId, courseId)
        : new BsonDocument { { Progress.CourseId, courseId }, { Id, new BsonDocument("$gt", after) } };

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
