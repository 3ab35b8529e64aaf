using LearnProgress.Core;
using LearnProgress.Core.Catalog;
using MongoDB.Bson;
using MongoDB.Driver;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Mongo;

public sealed class MongoCourseCatalog(IMongoDatabase database) : ICourseCatalog
{
    private readonly IMongoCollection<BsonDocument> _courses =
        database.WithWriteConcern(MongoNames.Majority).GetCollection<BsonDocument>(Courses.Collection);

    public async Task<Course?> GetCourseAsync(string courseId, CancellationToken cancellationToken = default)
    {
        var course = await _courses.Find(new BsonDocument(Id, courseId)).FirstOrDefaultAsync(cancellationToken);
        if (course is null) return null;
        var lectures = course[Courses.Lectures].AsBsonArray
            .Select(l => new Lecture(l[Courses.LectureId].AsString, l[Courses.LectureTitle].AsString, l[Courses.DurationSeconds].ToDouble()))
            .OrderBy(l => l.Id, StringComparer.Ordinal)
            .ToList();
        return new Course(courseId, course[Courses.Title].AsString, course[Courses.TotalLectures].ToInt32(), lectures);
    }

    public async Task<bool> CreateCourseAsync(string courseId, string title, CancellationToken cancellationToken = default)
    {
        try
        {
            await _courses.InsertOneAsync(new BsonDocument
            {
                { Id, courseId }, { Courses.Title, title }, { Courses.TotalLectures, 0 }, { Courses.Lectures, new BsonArray() },
            }, cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException ex) when (ex.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    public async Task<LectureWrite> PutLectureAsync(string courseId, Lecture lecture, CancellationToken cancellationToken = default)
    {
        var entry = new BsonDocument
        {
            { Courses.LectureId, lecture.Id }, { Courses.LectureTitle, lecture.Title }, { Courses.DurationSeconds, lecture.DurationSeconds },
        };
        while (true)
        {
            // The counter moves in the same single-document update as the array, and only when the id was absent,
            // so concurrent or repeated adds of one lecture count it once.
            var added = await _courses.UpdateOneAsync(
                new BsonDocument { { Id, courseId }, { Courses.Lectures + "." + Courses.LectureId, new BsonDocument("$ne", lecture.Id) } },
                new BsonDocument
                {
                    { "$push", new BsonDocument(Courses.Lectures, entry) },
                    { "$inc", new BsonDocument(Courses.TotalLectures, 1) },
                }, cancellationToken: cancellationToken);
            if (added.MatchedCount == 1) return LectureWrite.Created;
            var updated = await _courses.UpdateOneAsync(
                new BsonDocument { { Id, courseId }, { Courses.Lectures + "." + Courses.LectureId, lecture.Id } },
                new BsonDocument("$set", new BsonDocument
                {
                    { Courses.Lectures + ".$." + Courses.LectureTitle, lecture.Title },
                    { Courses.Lectures + ".$." + Courses.DurationSeconds, lecture.DurationSeconds },
                }), cancellationToken: cancellationToken);
            if (updated.MatchedCount == 1) return LectureWrite.Updated;
            if (await _courses.CountDocumentsAsync(new BsonDocument(Id, courseId), cancellationToken: cancellationToken) == 0)
                return LectureWrite.CourseNotFound;
            // The lecture was removed between the two updates: add it again.
        }
    }

    public async Task<bool> DeleteLectureAsync(string courseId, string lectureId, CancellationToken cancellationToken = default)
    {
        var removed = await _courses.UpdateOneAsync(
            new BsonDocument { { Id, courseId }, { Courses.Lectures + "." + Courses.LectureId, lectureId } },
            new BsonDocument
            {
                { "$pull", new BsonDocument(Courses.Lectures, new BsonDocument(Courses.LectureId, lectureId)) },
                { "$inc", new BsonDocument(Courses.TotalLectures, -1) },
            }, cancellationToken: cancellationToken);
        return removed.MatchedCount == 1;
    }
}

public sealed class MongoLearnerSettings(IMongoDatabase database) : ILearnerSettings
{
    private readonly IMongoCollection<BsonDocument> _learners =
        database.WithWriteConcern(MongoNames.Majority).GetCollection<BsonDocument>(Learners.Collection);

    public async Task<string?> GetTimeZoneAsync(string userId, CancellationToken cancellationToken = default) =>
        StoredDocuments.TimeZone(await _learners.Find(new BsonDocument(Id, userId))
            .Project(new BsonDocument(Learners.TimeZone, 1)).FirstOrDefaultAsync(cancellationToken));

    public Task SetTimeZoneAsync(string userId, string timeZone, CancellationToken cancellationToken = default) =>
        _learners.UpdateOneAsync(new BsonDocument(Id, userId),
            new BsonDocument("$set", new BsonDocument(Learners.TimeZone, timeZone)), new UpdateOptions { IsUpsert = true }, cancellationToken);

    public async Task<DayOfWeek?> GetWeekStartAsync(string userId, CancellationToken cancellationToken = default) =>
        StoredDocuments.WeekStart(await _learners.Find(new BsonDocument(Id, userId)).Project(new BsonDocument(Learners.WeekStart, 1))
            .FirstOrDefaultAsync(cancellationToken));

    public async Task<IReadOnlyList<Core.Goals.GoalChange>> GetGoalsAsync(string userId, CancellationToken cancellationToken = default) =>
        StoredDocuments.Goals(await _learners.Find(new BsonDocument(Id, userId)).Project(new BsonDocument(Learners.Goals, 1))
            .FirstOrDefaultAsync(cancellationToken));

    public async Task<string?> GetBoardNameAsync(string userId, CancellationToken cancellationToken = default) =>
        StoredDocuments.BoardName(await _learners.Find(new BsonDocument(Id, userId)).Project(new BsonDocument(Learners.BoardName, 1))
            .FirstOrDefaultAsync(cancellationToken));

    public Task SetBoardNameAsync(string userId, string? displayName, CancellationToken cancellationToken = default) =>
        _learners.UpdateOneAsync(new BsonDocument(Id, userId),
            displayName is null
                ? new BsonDocument("$unset", new BsonDocument(Learners.BoardName, ""))
                : new BsonDocument("$set", new BsonDocument(Learners.BoardName, displayName)),
            new UpdateOptions { IsUpsert = displayName is not null }, cancellationToken);

    /// <summary>
    /// One update: the goals array is rebuilt by an aggregation pipeline that drops a change of the same day and
    /// appends the new one, so a concurrent change never leaves two for one day.
    /// </summary>
    public Task SetGoalAsync(string userId, Core.Goals.GoalChange change, CancellationToken cancellationToken = default)
    {
        var from = Day(change.From);
        var entry = new BsonDocument
        {
            { Learners.GoalFrom, from }, { Learners.GoalMinutes, change.Goal.Minutes }, { Learners.GoalLectures, change.Goal.Lectures },
        };
        var kept = new BsonDocument("$filter", new BsonDocument
        {
            { "input", new BsonDocument("$ifNull", new BsonArray { "$" + Learners.Goals, new BsonArray() }) },
            { "as", "g" },
            { "cond", new BsonDocument("$ne", new BsonArray { "$$g." + Learners.GoalFrom, from }) },
        });
        var pipeline = new BsonDocumentStagePipelineDefinition<BsonDocument, BsonDocument>([
            new BsonDocument("$set", new BsonDocument(Learners.Goals,
                new BsonDocument("$concatArrays", new BsonArray { kept, new BsonArray { new BsonDocument("$literal", entry) } }))),
        ]);
        return _learners.UpdateOneAsync(new BsonDocument(Id, userId), new PipelineUpdateDefinition<BsonDocument>(pipeline),
            new UpdateOptions { IsUpsert = true }, cancellationToken);
    }

    public Task SetWeekStartAsync(string userId, DayOfWeek weekStart, CancellationToken cancellationToken = default) =>
        _learners.UpdateOneAsync(new BsonDocument(Id, userId),
            new BsonDocument("$set", new BsonDocument(Learners.WeekStart, weekStart.ToString())), new UpdateOptions { IsUpsert = true }, cancellationToken);
}
