using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using MongoDB.Bson;
using MongoDB.Driver;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Mongo;

/// <summary>
/// What one (learner, course) of a flush batch writes: the update (null when the store already holds everything the
/// snapshot says), the completions it makes (valid only if the update is applied) and the completions already stored
/// for the snapshot's lectures, which are recorded in the day counts again so a crash between the two writes heals.
/// </summary>
public sealed record ProgressPlan(
    CourseProgressSnapshot Snapshot,
    UpdateOneModel<BsonDocument>? Write,
    IReadOnlyList<LectureCompleted> Completes,
    IReadOnlyList<LectureCompleted> Recorded);

/// <summary>
/// Builds every write model of the MongoDB store from data alone, so their exact shape is testable without a server.
/// Each model is safe to apply twice and safe against concurrent writers:
/// high-water marks use <c>$max</c>; the last-writer-wins pair (position, updatedAt) is an update pipeline that keeps
/// the stored pair unless the incoming one is newer; sets (completed lectures, a day's completions) use set union;
/// the one value no operator can merge, coverage (a union of intervals), is merged here and written with the stored
/// value in the filter, so a concurrent change turns the upsert into a duplicate-key error that the store retries.
/// Nothing a flush writes is a bare <c>$inc</c>.
/// </summary>
public static class WriteModels
{
    public static ProgressPlan ForProgress(
        CourseProgressSnapshot snapshot,
        IReadOnlyDictionary<string, StoredLecture> stored,
        IReadOnlyDictionary<string, double> durations,
        TimeZoneInfo zone,
        CompletionRule rule)
    {
        var filter = new BsonDocument { { MongoNames.Progress.UserId, snapshot.UserId }, { MongoNames.Progress.CourseId, snapshot.CourseId } };
        var set = new BsonDocument();
        var nowComplete = new List<string>();
        var completes = new List<LectureCompleted>();
        var recorded = new List<LectureCompleted>();
        foreach (var (lecture, incoming) in snapshot.Lectures.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            var existing = stored.GetValueOrDefault(lecture);
            if (existing is { Progress.Completed: true, CompletedOn: { } on })
                recorded.Add(new LectureCompleted(snapshot.UserId, snapshot.CourseId, lecture, ParseDay(on)));
            var merged = existing is null ? incoming : existing.Progress.Merge(incoming);
            var completesNow = !merged.Completed && durations.TryGetValue(lecture, out var duration) && rule.IsComplete(merged, duration);
            if (merged == existing?.Progress && !completesNow) continue;

            string Path(string field) => MongoNames.Progress.Lecture(lecture, field);
            var newer = new BsonDocument("$or", new BsonArray
            {
                new BsonDocument("$gt", new BsonArray { incoming.UpdatedAt, "$" + Path(MongoNames.Progress.UpdatedAt) }),
                new BsonDocument("$and", new BsonArray
                {
                    new BsonDocument("$eq", new BsonArray { incoming.UpdatedAt, "$" + Path(MongoNames.Progress.UpdatedAt) }),
                    new BsonDocument("$gt", new BsonArray { incoming.Position, "$" + Path(MongoNames.Progress.Position) }),
                }),
            });
            set[Path(MongoNames.Progress.Position)] = Cond(newer, incoming.Position, "$" + Path(MongoNames.Progress.Position));
            set[Path(MongoNames.Progress.UpdatedAt)] = Cond(newer, incoming.UpdatedAt, "$" + Path(MongoNames.Progress.UpdatedAt));
            set[Path(MongoNames.Progress.Furthest)] = new BsonDocument("$max", new BsonArray { "$" + Path(MongoNames.Progress.Furthest), incoming.Furthest });

            var coverage = merged.Coverage.Format();
            if (coverage != existing?.Coverage)
            {
                filter[Path(MongoNames.Progress.Coverage)] = existing?.Coverage is { } before ? before : new BsonDocument("$exists", false);
                set[Path(MongoNames.Progress.Coverage)] = Literal(coverage);
            }

            if (completesNow)
            {
                // The guard makes the completion (and its event) happen once, even against an explicit completion racing it.
                var day = LearnerClock.DayOf(merged.UpdatedAt, zone);
                filter[Path(MongoNames.Progress.Completed)] = new BsonDocument("$ne", true);
                set[Path(MongoNames.Progress.Completed)] = Literal(true);
                set[Path(MongoNames.Progress.CompletedOn)] = Literal(Day(day));
                completes.Add(new LectureCompleted(snapshot.UserId, snapshot.CourseId, lecture, day));
                nowComplete.Add(lecture);
            }
            else if (merged.Completed && existing?.Progress.Completed != true)
            {
                set[Path(MongoNames.Progress.Completed)] = Literal(true);
                nowComplete.Add(lecture);
            }
        }
        if (set.ElementCount == 0) return new ProgressPlan(snapshot, null, [], recorded);

        if (nowComplete.Count > 0)
            set[MongoNames.Progress.CompletedLectures] = new BsonDocument("$setUnion", new BsonArray
            {
                new BsonDocument("$ifNull", new BsonArray { "$" + MongoNames.Progress.CompletedLectures, new BsonArray() }),
                Literal(new BsonArray(nowComplete)),
            });
        var update = new PipelineUpdateDefinition<BsonDocument>(
            PipelineDefinition<BsonDocument, BsonDocument>.Create(new[] { new BsonDocument("$set", set) }));
        return new ProgressPlan(snapshot, new UpdateOneModel<BsonDocument>(filter, update) { IsUpsert = true }, completes, recorded);
    }

    /// <summary>
    /// One upsert per (learner, day): the day's played seconds are totals, so <c>$max</c> keeps the larger; completions
    /// are a set, so the day's count derived from it cannot grow on a replay.
    /// </summary>
    public static List<UpdateOneModel<BsonDocument>> ForActivity(IEnumerable<ActivitySnapshot> activity, IEnumerable<LectureCompleted> completions)
    {
        var days = new SortedDictionary<(string User, DateOnly Day), (double? Seconds, SortedSet<string> Completions)>(Comparer<(string User, DateOnly Day)>.Create(
            (a, b) => string.CompareOrdinal(a.User, b.User) is var byUser and not 0 ? byUser : a.Day.CompareTo(b.Day)));
        foreach (var snapshot in activity)
            foreach (var (day, seconds) in snapshot.Seconds)
                if (seconds > 0)
                    days[(snapshot.UserId, day)] = (Math.Min(DayActivity.MaxSeconds, seconds), new SortedSet<string>(StringComparer.Ordinal));
        foreach (var c in completions)
        {
            if (!days.TryGetValue((c.UserId, c.Day), out var entry))
                days[(c.UserId, c.Day)] = entry = (null, new SortedSet<string>(StringComparer.Ordinal));
            entry.Completions.Add(Activity.Completion(c.CourseId, c.LectureId));
        }
        return days.Select(kv =>
        {
            var update = new BsonDocument();
            if (kv.Value.Seconds is { } seconds)
                update["$max"] = new BsonDocument(Activity.Seconds, seconds);
            if (kv.Value.Completions.Count > 0)
                update["$addToSet"] = new BsonDocument(Activity.Completions, new BsonDocument("$each", new BsonArray(kv.Value.Completions)));
            return new UpdateOneModel<BsonDocument>(DayFilter(kv.Key.User, kv.Key.Day), update) { IsUpsert = true };
        }).ToList();
    }

    /// <summary>
    /// Days that become active through a batch, per learner: a full minute played, or a completion. Days active by
    /// marks already joined the runs when they were marked.
    /// </summary>
    public static Dictionary<string, SortedSet<DateOnly>> ActiveDays(IEnumerable<ActivitySnapshot> activity, IEnumerable<LectureCompleted> completions)
    {
        var result = new Dictionary<string, SortedSet<DateOnly>>(StringComparer.Ordinal);
        void Add(string user, DateOnly day)
        {
            if (!result.TryGetValue(user, out var days)) result[user] = days = [];
            days.Add(day);
        }
        foreach (var snapshot in activity)
            foreach (var (day, seconds) in snapshot.Seconds)
                if (seconds >= DayActivity.ActiveSeconds) Add(snapshot.UserId, day);
        foreach (var c in completions) Add(c.UserId, c.Day);
        return result;
    }

    /// <summary>
    /// Folds active days into the learner's runs, guarded by the version read with them: a concurrent change makes the
    /// upsert a duplicate-key error and the store folds again on fresh runs. Null when every day is in a run already.
    /// </summary>
    public static UpdateOneModel<BsonDocument>? ForRuns(string userId, StoredLearner? learner, IEnumerable<DateOnly> activeDays)
    {
        var before = learner?.Runs ?? [];
        var runs = Streaks.Extend(before, activeDays).OrderBy(r => r.Start).ToList();
        if (runs.SequenceEqual(before.OrderBy(r => r.Start))) return null;
        var version = learner?.Version ?? 0;
        var filter = new BsonDocument
        {
            { Id, userId },
            { Learners.Version, learner?.Version is { } v ? v : new BsonDocument("$exists", false) },
        };
        var update = new BsonDocument
        {
            { "$set", new BsonDocument
                {
                    { Learners.Runs, new BsonArray(runs.Select(r => new BsonDocument { { Learners.RunStart, Day(r.Start) }, { Learners.RunEnd, Day(r.End) } })) },
                    { Learners.Version, version + 1 },
                }
            },
            { "$max", new BsonDocument(Learners.LongestStreak, runs.Max(r => r.Length)) },
        };
        return new UpdateOneModel<BsonDocument>(filter, update) { IsUpsert = true };
    }

    /// <summary>
    /// An explicit completion: the filter lets it apply only while the lecture is not complete, so a repeat (or a
    /// completion by coverage that won) becomes a duplicate-key error the store reads as "already complete".
    /// </summary>
    public static UpdateOneModel<BsonDocument> ForCompletion(string userId, string courseId, string lectureId, DateOnly day) =>
        new(new BsonDocument
            {
                { MongoNames.Progress.UserId, userId },
                { MongoNames.Progress.CourseId, courseId },
                { MongoNames.Progress.Lecture(lectureId, MongoNames.Progress.Completed), new BsonDocument("$ne", true) },
            },
            new BsonDocument
            {
                { "$set", new BsonDocument
                    {
                        { MongoNames.Progress.Lecture(lectureId, MongoNames.Progress.Completed), true },
                        { MongoNames.Progress.Lecture(lectureId, MongoNames.Progress.CompletedOn), Day(day) },
                    }
                },
                { "$addToSet", new BsonDocument(MongoNames.Progress.CompletedLectures, lectureId) },
            })
        { IsUpsert = true };

    /// <summary>A mark is one request, not part of a replayable flush, so counting it is a plain increment.</summary>
    public static UpdateOneModel<BsonDocument> ForMark(string userId, DateOnly day) =>
        new(DayFilter(userId, day), new BsonDocument("$inc", new BsonDocument(Activity.Marks, 1))) { IsUpsert = true };

    private static BsonDocument DayFilter(string userId, DateOnly day) =>
        new() { { Activity.UserId, userId }, { Activity.Date, Day(day) } };

    private static BsonDocument Cond(BsonValue condition, BsonValue then, BsonValue otherwise) =>
        new("$cond", new BsonArray { condition, then, otherwise });

    // Data never reaches the pipeline as an expression: a string starting with '$' would read as a field path.
    private static BsonDocument Literal(BsonValue value) => new("$literal", value);
}
