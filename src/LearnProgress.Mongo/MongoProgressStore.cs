using LearnProgress.Core;
using LearnProgress.Core.Goals;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;
using MongoDB.Bson;
using MongoDB.Driver;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Mongo;

/// <summary>
/// The production learning record. MongoDB has no multi-document transaction on a plain single node and a flush must
/// stay one bulk call per collection, so a change is planned on the documents as read and saved with version guards
/// (see <see cref="WriteModels"/>): a document another writer changed meanwhile is read and planned again. Totals
/// are derived from sets and sums on read, never counted on write.
/// </summary>
public sealed class MongoProgressStore : IProgressStore
{
    // Conflicts only arise between a flush and a write-through request for the same learner; a few rounds settle them.
    private const int MaxAttempts = 10;
    private static readonly BulkWriteOptions Unordered = new() { IsOrdered = false };

    private readonly IMongoDatabase _database;
    private readonly IMongoCollection<BsonDocument> _progress;
    private readonly IMongoCollection<BsonDocument> _activity;
    private readonly IMongoCollection<BsonDocument> _learners;
    private readonly IMongoCollection<BsonDocument> _courses;
    private readonly MongoEventWriter _events;

    public MongoProgressStore(IMongoDatabase database) : this(database, Majority)
    {
    }

    /// <summary>
    /// Writes wait for a majority and reads are majority reads, whatever the connection string says (its <c>w=</c> and
    /// <c>readConcernLevel=</c> are overridden here). A write that timed out waiting for its majority is not undone (see
    /// docs/operations.md, what holds across a MongoDB failover): it stays on the primary and rolls back if that primary loses an
    /// election. A replay that planned on it (read concern local) would find its own unconfirmed write, plan nothing and
    /// let the flush acknowledge its claim, losing those pings in the rollback. Planned on majority-committed state, the
    /// replay writes again; its version guard collides with the unconfirmed document, so it reads and plans again until
    /// a majority has that write, or fails and keeps the claim. Another write concern is internal: anything weaker than
    /// majority voids this.
    /// </summary>
    internal MongoProgressStore(IMongoDatabase database, WriteConcern writeConcern)
    {
        _database = database.WithWriteConcern(writeConcern).WithReadConcern(ReadConcern.Majority);
        _progress = _database.GetCollection<BsonDocument>(Progress.Collection);
        _activity = _database.GetCollection<BsonDocument>(Activity.Collection);
        _learners = _database.GetCollection<BsonDocument>(Learners.Collection);
        _courses = _database.GetCollection<BsonDocument>(Courses.Collection);
        _events = new MongoEventWriter(_database);
    }

    public Task CreateIndexesAsync(CancellationToken cancellationToken = default) => MongoIndexes.CreateAsync(_database, cancellationToken);

    public async Task<RecordPlan> ApplyAsync(RecordChange change, Func<StoredState, RecordPlan> plan, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ApplyOnceAsync(change, plan, cancellationToken);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new StoreUnavailableException($"MongoDB cannot take the write now: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Whether an error says MongoDB cannot take a write now (no server, no primary, a timeout, a majority not reached),
    /// as opposed to refusing this data. The driver reports "no server selected in time" as a plain TimeoutException.
    /// </summary>
    /// <remarks>
    /// A majority not reached (wtimeout, or a write concern the replica set cannot satisfy) comes in three shapes, by
    /// the path of the call (mongo-csharp-driver 3.x): commands such as findAndModify and createIndexes throw
    /// <see cref="MongoWriteConcernException"/> (Core/WireProtocol/CommandWireProtocol.cs); insert, update and delete
    /// catch that exception per batch and report it as <see cref="MongoBulkWriteException.WriteConcernError"/>
    /// (Core/Operations/BulkUnmixedWriteOperationBase.cs, ExecuteBatchAsync), which the single-document methods turn
    /// into <see cref="MongoWriteException.WriteConcernError"/> (MongoCollectionBase.cs, FromBulkWriteException).
    /// Write errors beside a write concern error do not make it the data's fault: the write was not confirmed, so the
    /// whole work is retried later and the replay decides again.
    /// </remarks>
    public static bool IsUnavailable(Exception error) =>
        error is MongoConnectionException or MongoExecutionTimeoutException or MongoWaitQueueFullException or MongoNotPrimaryException
            or MongoNodeIsRecoveringException or MongoWriteConcernException
            or MongoBulkWriteException { WriteConcernError: not null } or MongoWriteException { WriteConcernError: not null }
        || (error is TimeoutException && error.Source?.StartsWith("MongoDB", StringComparison.Ordinal) == true);

    private async Task<RecordPlan> ApplyOnceAsync(RecordChange change, Func<StoredState, RecordPlan> plan, CancellationToken cancellationToken)
    {
        // Completions of documents saved in an earlier round are kept: planned again, they would read as stored already.
        var completed = new List<LectureCompleted>();
        var events = new Dictionary<Guid, Core.Events.LearningEvent>();
        for (var attempt = 1; ; attempt++)
        {
            var loaded = await LoadAsync(change, cancellationToken);
            var decided = plan(loaded.State);
            var lost = false;

            // Events go first: a crash after them leaves the cause to be written again (a flush replays its claim, a
            // client retries), which decides the same ids; a crash before them loses neither. Each takes its place in the feed.
            await _events.WriteAsync(decided.Events, cancellationToken);
            foreach (var e in decided.Events) events.TryAdd(e.Id, e);

            var byCourse = decided.Lectures.GroupBy(l => l.Course).ToList();
            var lectureWrites = byCourse
                .Select(g => (Course: g.Key, Write: WriteModels.ForLectures(g.Key, g, loaded.ProgressVersions.GetValueOrDefault(g.Key))))
                .Where(w => w.Write is not null).ToList();
            var lostCourses = await BulkWriteAsync(_progress, lectureWrites.Select(w => w.Write!).ToList(), cancellationToken);
            var savedCourses = lectureWrites.Where((_, i) => !lostCourses.Contains(i)).Select(w => w.Course).ToHashSet();
            completed.AddRange(decided.Completed.Where(c => savedCourses.Contains(new CourseKey(c.UserId, c.CourseId))));
            lost |= lostCourses.Count > 0;

            // Written after the lectures they count, so a day never counts a completion that did not happen.
            await BulkWriteAsync(_activity, WriteModels.ForDayCompletions(decided.Lectures.Where(l => !Lost(l.Course))), cancellationToken);
            var dayWrites = decided.Days.Select(d => WriteModels.ForDay(d, loaded.DayVersions.GetValueOrDefault(d.Key))).ToList();
            lost |= (await BulkWriteAsync(_activity, dayWrites, cancellationToken)).Count > 0;
            var runWrites = decided.Runs.Select(r => WriteModels.ForRuns(r, loaded.LearnerVersions.GetValueOrDefault(r.UserId))).ToList();
            lost |= (await BulkWriteAsync(_learners, runWrites, cancellationToken)).Count > 0;

            if (!lost) return decided with { Completed = completed, Events = events.Values.ToList() };
            await BackOffAsync(attempt, cancellationToken);

            bool Lost(CourseKey course) => lectureWrites.FindIndex(w => w.Course == course) is var i and >= 0 && lostCourses.Contains(i);
        }
    }

    private sealed record Loaded(
        StoredState State,
        Dictionary<CourseKey, long?> ProgressVersions,
        Dictionary<DayKey, long?> DayVersions,
        Dictionary<string, long?> LearnerVersions);

    private async Task<Loaded> LoadAsync(RecordChange change, CancellationToken ct)
    {
        var courses = change.Courses.ToList();
        var days = change.Days.ToList();
        var users = change.Users.ToList();
        var progressTask = FindAllAsync(_progress, courses.GroupBy(c => c.UserId).Select(g => new BsonDocument
        {
            { Progress.UserId, g.Key },
            { Progress.CourseId, new BsonDocument("$in", new BsonArray(g.Select(c => c.CourseId).Distinct())) },
        }), ct);
        var daysTask = FindAllAsync(_activity, days.GroupBy(d => d.UserId).Select(g => new BsonDocument
        {
            { Activity.UserId, g.Key },
            { Activity.Date, new BsonDocument("$in", new BsonArray(g.Select(d => Day(d.Day)).Distinct())) },
        }), ct);
        var learnersTask = users.Count == 0 ? Task.FromResult(new List<BsonDocument>())
            : _learners.Find(new BsonDocument(Id, new BsonDocument("$in", new BsonArray(users)))).ToListAsync(ct);
        var durationsTask = ReadDurationsAsync(courses.Select(c => c.CourseId), ct);

        var progress = (await progressTask).ToDictionary(d => new CourseKey(d[Progress.UserId].AsString, d[Progress.CourseId].AsString));
        var stored = (await daysTask).ToDictionary(d => new DayKey(d[Activity.UserId].AsString, ParseDay(d[Activity.Date].AsString)));
        var learners = (await learnersTask).ToDictionary(d => d[Id].AsString, StringComparer.Ordinal);
        var storedLearners = users.ToDictionary(u => u, u => StoredDocuments.Learner(learners.GetValueOrDefault(u)), StringComparer.Ordinal);
        // Only learners with goals or on the boards cost the extra read of the whole weeks the change touches.
        var windows = storedLearners.Where(l => l.Value.NeedsWeeks)
            .Select(l => (User: l.Key, Window: WeeklyGoals.Window(change, l.Key, l.Value.WeekStart)))
            .Where(w => w.Window is not null).ToDictionary(w => w.User, w => w.Window!.Value, StringComparer.Ordinal);
        if (windows.Count > 0)
        {
            var weekDays = (await FindAllAsync(_activity, windows.Select(w => new BsonDocument
            {
                { Activity.UserId, w.Key },
                { Activity.Date, new BsonDocument { { "$gte", Day(w.Value.First) }, { "$lte", Day(w.Value.Last) } } },
            }), ct)).GroupBy(d => d[Activity.UserId].AsString, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(StoredDocuments.Day).ToList(), StringComparer.Ordinal);
            foreach (var (user, window) in windows)
                storedLearners[user] = storedLearners[user] with { GoalWindow = window, GoalDays = weekDays.GetValueOrDefault(user) ?? [] };
        }
        var state = new StoredState(
            progress.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, StoredLecture>)StoredDocuments.Lectures(kv.Value)),
            stored.ToDictionary(kv => kv.Key, kv => StoredDocuments.Day(kv.Value)),
            storedLearners,
            await durationsTask);
        return new Loaded(state,
            progress.ToDictionary(kv => kv.Key, kv => StoredDocuments.Version(kv.Value, Progress.Version)),
            stored.ToDictionary(kv => kv.Key, kv => StoredDocuments.Version(kv.Value, Activity.Version)),
            learners.ToDictionary(kv => kv.Key, kv => StoredDocuments.Version(kv.Value, Learners.Version), StringComparer.Ordinal));
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, StoredLecture>>> ReadLecturesAsync(
        string userId, IReadOnlyCollection<string> courseIds, CancellationToken cancellationToken = default)
    {
        if (courseIds.Count == 0) return new Dictionary<string, IReadOnlyDictionary<string, StoredLecture>>();
        var documents = await _progress.Find(new BsonDocument
        {
            { Progress.UserId, userId }, { Progress.CourseId, new BsonDocument("$in", new BsonArray(courseIds)) },
        }).ToListAsync(cancellationToken);
        return documents.ToDictionary(d => d[Progress.CourseId].AsString,
            d => (IReadOnlyDictionary<string, StoredLecture>)StoredDocuments.Lectures(d), StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<StoredDay>> ReadDaysAsync(string userId, DateOnly first, DateOnly last, CancellationToken cancellationToken = default)
    {
        var filter = new BsonDocument
        {
            { Activity.UserId, userId },
            { Activity.Date, new BsonDocument { { "$gte", Day(first) }, { "$lte", Day(last) } } },
        };
        var days = await _activity.Find(filter).Sort(new BsonDocument(Activity.Date, 1)).ToListAsync(cancellationToken);
        return days.Select(StoredDocuments.Day).ToList();
    }

    public async Task<LearnerSummary> ReadSummaryAsync(string userId, DateOnly runsEndingFrom, CancellationToken cancellationToken = default)
    {
        var learnerTask = _learners.Find(new BsonDocument(Id, userId)).FirstOrDefaultAsync(cancellationToken);
        var completedTask = SumAsync(_progress, Progress.UserId, userId,
            new BsonDocument("$size", new BsonDocument("$ifNull", new BsonArray { "$" + Progress.CompletedLectures, new BsonArray() })), cancellationToken);
        var secondsTask = SumAsync(_activity, Activity.UserId, userId, "$" + Activity.Seconds, cancellationToken);
        var learner = await learnerTask;
        var runs = StoredDocuments.Runs(learner);
        var latest = runs.Count == 0 ? (Core.Learning.DayRun?)null : runs.MaxBy(r => r.End);
        var recent = runs.Where(r => r.End >= runsEndingFrom || r == latest).OrderBy(r => r.End).ToList();
        return new LearnerSummary((int)await completedTask, await secondsTask,
            learner?.GetValue(Learners.LongestStreak, 0).ToInt32() ?? 0, recent);
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadCompletedLecturesAsync(string userId, CancellationToken cancellationToken = default)
    {
        var touched = await _progress.Find(new BsonDocument(Progress.UserId, userId))
            .Project(new BsonDocument { { Progress.CourseId, 1 }, { Progress.CompletedLectures, 1 } })
            .ToListAsync(cancellationToken);
        return touched.ToDictionary(t => t[Progress.CourseId].AsString,
            t => (IReadOnlyList<string>)t.GetValue(Progress.CompletedLectures, new BsonArray()).AsBsonArray.Select(l => l.AsString).ToList(),
            StringComparer.Ordinal);
    }

    /// <summary>Writes one small document with the majority write concern: a store that answers but cannot take writes is not ready.</summary>
    public Task CheckAsync(CancellationToken cancellationToken = default) =>
        _database.GetCollection<BsonDocument>(Health.Collection).UpdateOneAsync(
            new BsonDocument(Id, "readiness"), new BsonDocument("$currentDate", new BsonDocument(Health.At, true)),
            new UpdateOptions { IsUpsert = true }, cancellationToken);

    /// <summary>One unordered bulk write; returns the indexes of the models whose guard failed (a duplicate key), every other error throws.</summary>
    private static async Task<HashSet<int>> BulkWriteAsync(IMongoCollection<BsonDocument> collection, List<UpdateOneModel<BsonDocument>> models, CancellationToken ct)
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

    private static async Task<List<BsonDocument>> FindAllAsync(IMongoCollection<BsonDocument> collection, IEnumerable<BsonDocument> filters, CancellationToken ct)
    {
        var any = new BsonArray(filters);
        return any.Count == 0 ? [] : await collection.Find(new BsonDocument("$or", any)).ToListAsync(ct);
    }

    private async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>>> ReadDurationsAsync(IEnumerable<string> courseIds, CancellationToken ct)
    {
        var ids = courseIds.Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) return new Dictionary<string, IReadOnlyDictionary<string, double>>();
        var courses = await _courses.Find(new BsonDocument(Id, new BsonDocument("$in", new BsonArray(ids))))
            .Project(new BsonDocument(Courses.Lectures, 1)).ToListAsync(ct);
        return courses.ToDictionary(c => c[Id].AsString,
            c => (IReadOnlyDictionary<string, double>)c[Courses.Lectures].AsBsonArray.ToDictionary(
                l => l[Courses.LectureId].AsString, l => l[Courses.DurationSeconds].ToDouble(), StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

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
