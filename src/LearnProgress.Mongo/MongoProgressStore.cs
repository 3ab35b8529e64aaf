using LearnProgress.Core;
using LearnProgress.Core.Catalog;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using MongoDB.Bson;
using MongoDB.Driver;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Mongo;

/// <summary>
/// The production system of record. MongoDB has no multi-document transaction on a plain single node and the flush
/// must stay one bulk call per collection, so every write is built to be idempotent and guarded instead
/// (see <see cref="WriteModels"/>); derived numbers (a course's completed count, a learner's totals, a day's count)
/// are computed from sets and maxima on read rather than counted on write.
/// </summary>
public sealed class MongoProgressStore : IProgressStore
{
    // Conflicts only arise between a flush and a write-through request for the same learner; a few rounds settle them.
    private const int MaxAttempts = 10;
    private static readonly BulkWriteOptions Unordered = new() { IsOrdered = false };

    private readonly IMongoDatabase _database;
    private readonly CompletionRule _completion;
    private readonly IMongoCollection<BsonDocument> _progress;
    private readonly IMongoCollection<BsonDocument> _activity;
    private readonly IMongoCollection<BsonDocument> _learners;
    private readonly IMongoCollection<BsonDocument> _courses;

    public MongoProgressStore(IMongoDatabase database, CompletionRule completion)
    {
        _database = database.WithWriteConcern(WriteConcern.WMajority);
        _completion = completion;
        _progress = _database.GetCollection<BsonDocument>(Progress.Collection);
        _activity = _database.GetCollection<BsonDocument>(Activity.Collection);
        _learners = _database.GetCollection<BsonDocument>(Learners.Collection);
        _courses = _database.GetCollection<BsonDocument>(Courses.Collection);
    }

    public Task CreateIndexesAsync(CancellationToken cancellationToken = default) => MongoIndexes.CreateAsync(_database, cancellationToken);

    public async Task<IReadOnlyList<LectureCompleted>> UpsertProgressAsync(FlushBatch batch, CancellationToken cancellationToken = default)
    {
        var users = batch.Progress.Select(p => p.UserId).Concat(batch.Activity.Select(a => a.UserId)).Distinct(StringComparer.Ordinal).ToList();
        var durationsTask = ReadDurationsAsync(batch.Progress.Select(p => p.CourseId), cancellationToken);
        var learnersTask = ReadLearnersAsync(users, cancellationToken);
        var storedTask = ReadProgressDocumentsAsync(batch.Progress, cancellationToken);
        var durations = await durationsTask;
        var learners = await learnersTask;
        var stored = await storedTask;

        var completed = new List<LectureCompleted>();
        var recorded = new HashSet<LectureCompleted>();
        var pending = batch.Progress.Where(p => p.Lectures.Count > 0).ToList();
        for (var attempt = 1; ; attempt++)
        {
            var plans = pending.Select(snapshot => WriteModels.ForProgress(
                snapshot,
                stored.GetValueOrDefault((snapshot.UserId, snapshot.CourseId)) ?? [],
                durations.GetValueOrDefault(snapshot.CourseId) ?? [],
                learners.GetValueOrDefault(snapshot.UserId)?.Zone ?? TimeZoneInfo.Utc,
                _completion)).ToList();
            recorded.UnionWith(plans.SelectMany(p => p.Recorded));
            var writes = plans.Where(p => p.Write is not null).ToList();
            var lost = await BulkWriteAsync(_progress, writes.Select(p => p.Write!).ToList(), cancellationToken);
            completed.AddRange(writes.Where((_, i) => !lost.Contains(i)).SelectMany(p => p.Completes));
            pending = writes.Where((_, i) => lost.Contains(i)).Select(p => p.Snapshot).ToList();
            if (pending.Count == 0) break;
            await BackOffAsync(attempt, cancellationToken);
            stored = await ReadProgressDocumentsAsync(pending, cancellationToken);
        }

        // Written after the progress they derive from, so a day never counts a completion that did not happen.
        var dayCompletions = completed.Concat(recorded).ToList();
        await WriteAllAsync(_activity, WriteModels.ForActivity(batch.Activity, dayCompletions), cancellationToken);
        await UpdateRunsAsync(WriteModels.ActiveDays(batch.Activity, dayCompletions), learners, cancellationToken);
        return completed;
    }

    public async Task<IReadOnlyDictionary<string, LectureProgress>> ReadProgressAsync(string userId, string courseId, CancellationToken cancellationToken = default)
    {
        var document = await _progress.Find(ProgressFilter(userId, courseId)).FirstOrDefaultAsync(cancellationToken);
        return StoredLecture.ReadAll(document).ToDictionary(kv => kv.Key, kv => kv.Value.Progress, StringComparer.Ordinal);
    }

    public async Task<LectureCompleted?> CompleteLectureAsync(string userId, string courseId, string lectureId, DateOnly day, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var lost = await BulkWriteAsync(_progress, [WriteModels.ForCompletion(userId, courseId, lectureId, day)], cancellationToken);
            if (lost.Count == 0) break;
            // The collision is either "already complete" or two first writes of the same document racing.
            var stored = await ReadProgressAsync(userId, courseId, cancellationToken);
            if (stored.GetValueOrDefault(lectureId)?.Completed == true) return null;
            await BackOffAsync(attempt, cancellationToken);
        }
        var completed = new LectureCompleted(userId, courseId, lectureId, day);
        await WriteAllAsync(_activity, WriteModels.ForActivity([], [completed]), cancellationToken);
        await UpdateRunsAsync(new() { [userId] = [day] }, null, cancellationToken);
        return completed;
    }

    public async Task MarkDayAsync(string userId, DateOnly day, CancellationToken cancellationToken = default)
    {
        await WriteAllAsync(_activity, [WriteModels.ForMark(userId, day)], cancellationToken);
        await UpdateRunsAsync(new() { [userId] = [day] }, null, cancellationToken);
    }

    public async Task<IReadOnlyList<DayActivity>> ReadActivityAsync(string userId, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var filter = new BsonDocument
        {
            { Activity.UserId, userId },
            { Activity.Date, new BsonDocument { { "$gte", Day(from) }, { "$lte", Day(to) } } },
        };
        var days = await _activity.Find(filter).Sort(new BsonDocument(Activity.Date, 1)).ToListAsync(cancellationToken);
        return days.Select(d => new DayActivity(
            ParseDay(d[Activity.Date].AsString),
            d.GetValue(Activity.Seconds, 0.0).ToDouble(),
            d.GetValue(Activity.Marks, 0).ToInt32() + d.GetValue(Activity.Completions, new BsonArray()).AsBsonArray.Count)).ToList();
    }

    public async Task<LearnerRecord> ReadLearnerAsync(string userId, DateOnly runsEndingFrom, CancellationToken cancellationToken = default)
    {
        var learnerTask = _learners.Find(new BsonDocument(Id, userId)).FirstOrDefaultAsync(cancellationToken);
        // Totals are aggregated from the sets and maxima the flush keeps, so nothing is counted twice on a replay.
        var completedTask = SumAsync(_progress, Progress.UserId, userId,
            new BsonDocument("$size", new BsonDocument("$ifNull", new BsonArray { "$" + Progress.CompletedLectures, new BsonArray() })), cancellationToken);
        var secondsTask = SumAsync(_activity, Activity.UserId, userId, "$" + Activity.Seconds, cancellationToken);
        var document = await learnerTask;
        var totalCompleted = (int)await completedTask;
        var totalSeconds = await secondsTask;
        if (document is null && totalCompleted == 0 && totalSeconds == 0) return LearnerRecord.New;

        var learner = document is null ? null : StoredLearner.Read(document);
        var runs = learner?.Runs ?? [];
        var latest = runs.Count == 0 ? (DayRun?)null : runs.MaxBy(r => r.End);
        var recent = runs.Where(r => r.End >= runsEndingFrom || r == latest).OrderBy(r => r.End).ToList();
        return new LearnerRecord(learner?.TimeZone, learner?.LongestStreak ?? 0, totalCompleted, totalSeconds, recent);
    }

    public async Task<IReadOnlyList<CourseCompletion>> ReadCourseCompletionsAsync(string userId, CancellationToken cancellationToken = default)
    {
        var touched = await _progress.Find(new BsonDocument(Progress.UserId, userId))
            .Project(new BsonDocument { { Progress.CourseId, 1 }, { Progress.CompletedLectures, 1 } })
            .ToListAsync(cancellationToken);
        if (touched.Count == 0) return [];
        var courses = await _courses.Find(new BsonDocument(Id, new BsonDocument("$in", new BsonArray(touched.Select(t => t[Progress.CourseId])))))
            .Project(new BsonDocument { { Courses.TotalLectures, 1 }, { Courses.Lectures + "." + Courses.LectureId, 1 } })
            .ToListAsync(cancellationToken);
        var catalog = courses.ToDictionary(c => c[Id].AsString, StringComparer.Ordinal);
        // Only lectures the catalog still has count, so removing or re-adding a lecture changes the count at once.
        return touched
            .Where(t => catalog.ContainsKey(t[Progress.CourseId].AsString))
            .Select(t =>
            {
                var course = catalog[t[Progress.CourseId].AsString];
                var lectures = course[Courses.Lectures].AsBsonArray.Select(l => l[Courses.LectureId].AsString).ToHashSet(StringComparer.Ordinal);
                var completed = t.GetValue(Progress.CompletedLectures, new BsonArray()).AsBsonArray.Count(l => lectures.Contains(l.AsString));
                return new CourseCompletion(t[Progress.CourseId].AsString, completed, course[Courses.TotalLectures].ToInt32());
            })
            .OrderBy(c => c.CourseId, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<string?> GetTimeZoneAsync(string userId, CancellationToken cancellationToken = default)
    {
        var learner = await _learners.Find(new BsonDocument(Id, userId))
            .Project(new BsonDocument(Learners.TimeZone, 1)).FirstOrDefaultAsync(cancellationToken);
        return learner is null ? null : StoredLearner.Read(learner).TimeZone;
    }

    public Task SetTimeZoneAsync(string userId, string timeZone, CancellationToken cancellationToken = default) =>
        WriteAllAsync(_learners, [new UpdateOneModel<BsonDocument>(
            new BsonDocument(Id, userId), new BsonDocument("$set", new BsonDocument(Learners.TimeZone, timeZone))) { IsUpsert = true }],
            cancellationToken);

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

    public Task CheckAsync(CancellationToken cancellationToken = default) =>
        _database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);

    /// <summary>
    /// Folds newly active days into each learner's runs. <paramref name="known"/> are learner documents read earlier
    /// in the same operation; a version that moved since makes the write collide, and that learner is read again.
    /// </summary>
    private async Task UpdateRunsAsync(Dictionary<string, SortedSet<DateOnly>> activeDays, Dictionary<string, StoredLearner>? known, CancellationToken ct)
    {
        var pending = activeDays.Keys.ToList();
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            var learners = known ?? await ReadLearnersAsync(pending, ct);
            var writes = pending
                .Select(user => (User: user, Write: WriteModels.ForRuns(user, learners.GetValueOrDefault(user), activeDays[user])))
                .Where(w => w.Write is not null)
                .ToList();
            var lost = await BulkWriteAsync(_learners, writes.Select(w => w.Write!).ToList(), ct);
            pending = writes.Where((_, i) => lost.Contains(i)).Select(w => w.User).ToList();
            if (pending.Count == 0) return;
            await BackOffAsync(attempt, ct);
            known = null;
        }
    }

    /// <summary>Applies upserts until none is left; one that lost a duplicate-key race to a concurrent insert simply matches now.</summary>
    private async Task WriteAllAsync(IMongoCollection<BsonDocument> collection, IReadOnlyList<WriteModel<BsonDocument>> models, CancellationToken ct)
    {
        for (var attempt = 1; models.Count > 0; attempt++)
        {
            var lost = await BulkWriteAsync(collection, models, ct);
            models = models.Where((_, i) => lost.Contains(i)).ToList();
            if (models.Count > 0) await BackOffAsync(attempt, ct);
        }
    }

    /// <summary>One unordered bulk write; returns the indexes of the models that hit a duplicate key, every other error throws.</summary>
    private static async Task<HashSet<int>> BulkWriteAsync(IMongoCollection<BsonDocument> collection, IReadOnlyList<WriteModel<BsonDocument>> models, CancellationToken ct)
    {
        if (models.Count == 0) return [];
        try
        {
            await collection.BulkWriteAsync(models, Unordered, ct);
            return [];
        }
        catch (MongoBulkWriteException<BsonDocument> ex) when (ex.WriteConcernError is null && ex.UnprocessedRequests.Count == 0 &&
                                                               ex.WriteErrors.All(e => e.Category == ServerErrorCategory.DuplicateKey))
        {
            return ex.WriteErrors.Select(e => e.Index).ToHashSet();
        }
    }

    private static Task BackOffAsync(int attempt, CancellationToken ct)
    {
        if (attempt >= MaxAttempts)
            throw new MongoStoreConflictException(attempt);
        // Jitter keeps two writers that collided from colliding again in lockstep.
        return Task.Delay(Random.Shared.Next(1, 10 * attempt), ct);
    }

    private async Task<Dictionary<string, Dictionary<string, double>>> ReadDurationsAsync(IEnumerable<string> courseIds, CancellationToken ct)
    {
        var ids = courseIds.Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) return [];
        var courses = await _courses.Find(new BsonDocument(Id, new BsonDocument("$in", new BsonArray(ids))))
            .Project(new BsonDocument(Courses.Lectures, 1)).ToListAsync(ct);
        return courses.ToDictionary(c => c[Id].AsString,
            c => c[Courses.Lectures].AsBsonArray.ToDictionary(l => l[Courses.LectureId].AsString, l => l[Courses.DurationSeconds].ToDouble(), StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    private async Task<Dictionary<string, StoredLearner>> ReadLearnersAsync(IReadOnlyCollection<string> users, CancellationToken ct)
    {
        if (users.Count == 0) return [];
        var documents = await _learners.Find(new BsonDocument(Id, new BsonDocument("$in", new BsonArray(users)))).ToListAsync(ct);
        return documents.ToDictionary(d => d[Id].AsString, StoredLearner.Read, StringComparer.Ordinal);
    }

    /// <summary>The stored documents of a batch's (learner, course) pairs in one query.</summary>
    private async Task<Dictionary<(string User, string Course), Dictionary<string, StoredLecture>>> ReadProgressDocumentsAsync(
        IReadOnlyCollection<CourseProgressSnapshot> snapshots, CancellationToken ct)
    {
        if (snapshots.Count == 0) return [];
        var byUser = snapshots.GroupBy(s => s.UserId, StringComparer.Ordinal).Select(g => new BsonDocument
        {
            { Progress.UserId, g.Key },
            { Progress.CourseId, new BsonDocument("$in", new BsonArray(g.Select(s => s.CourseId).Distinct(StringComparer.Ordinal))) },
        });
        var documents = await _progress.Find(new BsonDocument("$or", new BsonArray(byUser))).ToListAsync(ct);
        return documents.ToDictionary(d => (d[Progress.UserId].AsString, d[Progress.CourseId].AsString), StoredLecture.ReadAll);
    }

    private static BsonDocument ProgressFilter(string userId, string courseId) =>
        new() { { Progress.UserId, userId }, { Progress.CourseId, courseId } };

    private static async Task<double> SumAsync(IMongoCollection<BsonDocument> collection, string userField, string userId, BsonValue value, CancellationToken ct)
    {
        var pipeline = PipelineDefinition<BsonDocument, BsonDocument>.Create(new[]
        {
            new BsonDocument("$match", new BsonDocument(userField, userId)),
            new BsonDocument("$group", new BsonDocument { { Id, BsonNull.Value }, { "total", new BsonDocument("$sum", value) } }),
        });
        var result = await (await collection.AggregateAsync(pipeline, cancellationToken: ct)).FirstOrDefaultAsync(ct);
        return result?["total"].ToDouble() ?? 0;
    }
}

/// <summary>Concurrent writers kept changing the same documents; the caller's work is retried later (a flush keeps its claim).</summary>
public sealed class MongoStoreConflictException(int attempts)
    : Exception($"Gave up after {attempts} attempts: concurrent writers kept changing the same documents.");
