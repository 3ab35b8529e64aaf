using LearnProgress.Core.Events;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Record;
using MongoDB.Bson;
using MongoDB.Driver;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Mongo;

/// <summary>
/// The write models that save a <see cref="RecordPlan"/>, built from data alone so their exact shape is testable
/// without a server. The plan was made from documents read at some version; each model applies only while the
/// document is still at that version (an upsert whose guard fails collides on the unique index), so a concurrent
/// writer makes the store read and plan again instead of being overwritten. What can be merged by an operator
/// (a day's set of completions) is written without a guard and is safe to apply twice.
/// </summary>
public static class WriteModels
{
    /// <summary>The changed lectures of one (learner, course) document, guarded by the version they were planned on.</summary>
    public static UpdateOneModel<BsonDocument>? ForLectures(CourseKey course, IEnumerable<LecturePlan> lectures, long? version)
    {
        var set = new BsonDocument();
        var completed = new BsonArray();
        foreach (var lecture in lectures.Where(l => l.Changed).OrderBy(l => l.LectureId, StringComparer.Ordinal))
        {
            var p = lecture.After.Progress;
            string Path(string field) => Progress.Lecture(lecture.LectureId, field);
            set[Path(Progress.Position)] = p.Position;
            set[Path(Progress.UpdatedAt)] = p.UpdatedAt;
            set[Path(Progress.Furthest)] = p.Furthest;
            set[Path(Progress.Coverage)] = p.Coverage.Format();
            set[Path(Progress.Completed)] = p.Completed;
            if (lecture.After.CompletedOn is { } on)
            {
                set[Path(Progress.CompletedOn)] = MongoNames.Day(on);
                completed.Add(lecture.LectureId);
            }
        }
        if (set.ElementCount == 0) return null;
        set[Progress.Version] = (version ?? 0) + 1;
        var update = new BsonDocument("$set", set);
        if (completed.Count > 0)
            update["$addToSet"] = new BsonDocument(Progress.CompletedLectures, new BsonDocument("$each", completed));
        return new UpdateOneModel<BsonDocument>(Guarded(
            new BsonDocument { { Progress.UserId, course.UserId }, { Progress.CourseId, course.CourseId } }, Progress.Version, version), update)
        { IsUpsert = true };
    }

    /// <summary>A day's spans, seconds and marks, guarded by the version they were planned on.</summary>
    public static UpdateOneModel<BsonDocument> ForDay(DayPlan day, long? version)
    {
        var update = new BsonDocument("$set", new BsonDocument
        {
            { Activity.Played, day.Played.Format() },
            { Activity.Seconds, day.Seconds },
            { Activity.Marks, (day.Before?.Marks ?? 0) + day.AddMarks },
            { Activity.Version, (version ?? 0) + 1 },
        });
        if (day.NewMarkKeys.Count > 0)
            update["$addToSet"] = new BsonDocument(Activity.MarkKeys, new BsonDocument("$each", new BsonArray(day.NewMarkKeys)));
        return new UpdateOneModel<BsonDocument>(Guarded(DayFilter(day.Key.UserId, day.Key.Day), Activity.Version, version), update) { IsUpsert = true };
    }

    /// <summary>
    /// The completions of each day, from every completed lecture a plan touched (new or already stored): written after
    /// the lectures and as a set, so a crash between the two writes heals with the next write of those lectures.
    /// </summary>
    public static List<UpdateOneModel<BsonDocument>> ForDayCompletions(IEnumerable<LecturePlan> lectures) =>
        lectures.Where(l => l.After.CompletedOn is not null)
            .GroupBy(l => (l.Course.UserId, Day: l.After.CompletedOn!.Value))
            .OrderBy(g => g.Key.UserId, StringComparer.Ordinal).ThenBy(g => g.Key.Day)
            .Select(g => new UpdateOneModel<BsonDocument>(DayFilter(g.Key.UserId, g.Key.Day),
                new BsonDocument("$addToSet", new BsonDocument(Activity.Completions, new BsonDocument("$each",
                    new BsonArray(g.Select(l => Activity.Completion(l.Course.CourseId, l.LectureId)).Distinct().Order(StringComparer.Ordinal))))))
            { IsUpsert = true })
            .ToList();

    /// <summary>A learner's runs after a change, guarded by the version they were planned on.</summary>
    public static UpdateOneModel<BsonDocument> ForRuns(RunsPlan runs, long? version) =>
        new(Guarded(new BsonDocument(Id, runs.UserId), Learners.Version, version), new BsonDocument("$set", new BsonDocument
        {
            { Learners.Runs, new BsonArray(runs.After.OrderBy(r => r.Start).Select(r => new BsonDocument { { Learners.RunStart, Day(r.Start) }, { Learners.RunEnd, Day(r.End) } })) },
            { Learners.LongestStreak, runs.Longest },
            { Learners.Version, (version ?? 0) + 1 },
        }))
        { IsUpsert = true };

    /// <summary>
    /// Each event inserted if absent, keyed by its deterministic id: a replay or a plan made again after a conflict
    /// decides the same id and leaves the first write as it was, its place in the feed included. The events take the
    /// numbers from <paramref name="firstSequence"/> on, in the order given, all taken at <paramref name="sequencedAt"/>.
    /// </summary>
    public static List<UpdateOneModel<BsonDocument>> ForEvents(IEnumerable<LearningEvent> events, long firstSequence, DateTime sequencedAt) =>
        events.Select((e, i) => new UpdateOneModel<BsonDocument>(new BsonDocument(Id, e.Id.ToString()),
            new BsonDocument("$setOnInsert", new BsonDocument
            {
                { MongoNames.Events.Type, e.Type },
                { MongoNames.Events.UserId, e.UserId },
                { MongoNames.Events.Timestamp, new BsonDateTime(e.Timestamp.UtcDateTime) },
                { MongoNames.Events.Data, BsonDocument.Parse(e.Data) },
                { MongoNames.Events.Sequence, firstSequence + i },
                { MongoNames.Events.SequencedAt, new BsonDateTime(sequencedAt) },
            }))
        { IsUpsert = true }).ToList();

    /// <summary>Takes <paramref name="count"/> event numbers at once and stamps them with the server's time.</summary>
    public static UpdateDefinition<BsonDocument> TakeEventNumbers(int count) => new BsonDocument
    {
        { "$inc", new BsonDocument(Counters.Value, (long)count) },
        { "$currentDate", new BsonDocument(Counters.At, true) },
    };

    private static BsonDocument Guarded(BsonDocument filter, string field, long? version)
    {
        filter[field] = version is { } v ? v : new BsonDocument("$exists", false);
        return filter;
    }

    private static BsonDocument DayFilter(string userId, DateOnly day) =>
        new() { { Activity.UserId, userId }, { Activity.Date, Day(day) } };
}
