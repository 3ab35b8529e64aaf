using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using LearnProgress.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;

namespace LearnProgress.Tests.Store;

/// <summary>
/// The MongoDB store's write models and indexes rendered to BSON by the driver and compared whole, so a wrong
/// operator, a missing guard or a lost upsert flag fails here, without a server.
/// </summary>
public sealed class MongoWriteModelTests
{
    private static readonly RenderArgs<BsonDocument> Args = new(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry);
    private static readonly CompletionRule Rule = new(0.9);
    private static readonly Dictionary<string, double> Durations = new() { ["l1"] = 100 };
    private static readonly long May10Noon = new DateTimeOffset(2026, 5, 10, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static CourseProgressSnapshot Snapshot(LectureProgress l1) => new("u1", "c1", new Dictionary<string, LectureProgress> { ["l1"] = l1 });

    private static void AssertRendered(string expectedFilter, string expectedUpdate, UpdateOneModel<BsonDocument>? model)
    {
        Assert.NotNull(model);
        Assert.True(model.IsUpsert);
        Assert.Equal(Exact(BsonDocument.Parse(expectedFilter)), Exact(model.Filter.Render(Args)));
        var expected = expectedUpdate.TrimStart().StartsWith('[') ? (BsonValue)BsonSerializer.Deserialize<BsonArray>(expectedUpdate) : BsonDocument.Parse(expectedUpdate);
        Assert.Equal(Exact(expected), Exact(model.Update.Render(Args)));
    }

    // Canonical extended JSON keeps numeric types apart (BSON equality would take 8 for NumberLong(8)).
    private static string Exact(BsonValue value) => value.ToJson(new JsonWriterSettings { OutputMode = JsonOutputMode.CanonicalExtendedJson });

    // The pipeline's last-writer-wins pair and high-water mark for lecture l1, given the incoming values.
    private static string Resume(double position, long updatedAt, double furthest) => $$"""
        "lectures.l1.position": { "$cond": [ {{Newer(position, updatedAt)}}, {{position:0.0###}}, "$lectures.l1.position" ] },
        "lectures.l1.updatedAt": { "$cond": [ {{Newer(position, updatedAt)}}, NumberLong({{updatedAt}}), "$lectures.l1.updatedAt" ] },
        "lectures.l1.furthest": { "$max": [ "$lectures.l1.furthest", {{furthest:0.0###}} ] }
        """;

    private static string Newer(double position, long updatedAt) => $$"""
        { "$or": [
            { "$gt": [ NumberLong({{updatedAt}}), "$lectures.l1.updatedAt" ] },
            { "$and": [ { "$eq": [ NumberLong({{updatedAt}}), "$lectures.l1.updatedAt" ] }, { "$gt": [ {{position:0.0###}}, "$lectures.l1.position" ] } ] } ] }
        """;

    [Fact]
    public void A_first_flush_of_a_lecture_upserts_with_guarded_coverage_and_operator_merges()
    {
        var plan = WriteModels.ForProgress(Snapshot(new LectureProgress(40, 5_000, 45, Coverage.Of(0, 40))),
            new Dictionary<string, StoredLecture>(), Durations, TimeZoneInfo.Utc, Rule);

        AssertRendered(
            """{ "userId": "u1", "courseId": "c1", "lectures.l1.coverage": { "$exists": false } }""",
            $$"""[ { "$set": { {{Resume(40, 5_000, 45)}}, "lectures.l1.coverage": { "$literal": "0:40" } } } ]""",
            plan.Write);
        Assert.Empty(plan.Completes);
        Assert.Empty(plan.Recorded);
    }

    [Fact]
    public void Reaching_the_threshold_completes_once_guarded_on_the_stored_coverage_and_the_completed_flag()
    {
        var stored = new Dictionary<string, StoredLecture>
        {
            ["l1"] = new(new LectureProgress(50, 4_000, 50, Coverage.Of(0, 50)), "0:50", null),
        };
        var late = new DateTimeOffset(2026, 5, 10, 11, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(); // the 11th in Kiritimati
        LearnerClock.TryFindZone("Pacific/Kiritimati", out var kiritimati);

        var plan = WriteModels.ForProgress(Snapshot(new LectureProgress(90, late, 90, Coverage.Of(50, 90))), stored, Durations, kiritimati, Rule);

        AssertRendered(
            """
            { "userId": "u1", "courseId": "c1", "lectures.l1.coverage": "0:50", "lectures.l1.completed": { "$ne": true } }
            """,
            $$"""
            [ { "$set": {
                {{Resume(90, late, 90)}},
                "lectures.l1.coverage": { "$literal": "0:90" },
                "lectures.l1.completed": { "$literal": true },
                "lectures.l1.completedOn": { "$literal": "2026-05-11" },
                "completedLectures": { "$setUnion": [ { "$ifNull": [ "$completedLectures", [] ] }, { "$literal": [ "l1" ] } ] } } } ]
            """,
            plan.Write);
        Assert.Equal(new LectureCompleted("u1", "c1", "l1", new DateOnly(2026, 5, 11)), Assert.Single(plan.Completes));
    }

    [Fact]
    public void A_replayed_snapshot_writes_nothing_but_re_records_the_stored_completion_for_its_day()
    {
        var stored = new Dictionary<string, StoredLecture>
        {
            ["l1"] = new(new LectureProgress(90, 5_000, 90, Coverage.Of(0, 90), Completed: true), "0:90", "2026-05-10"),
        };

        var plan = WriteModels.ForProgress(Snapshot(new LectureProgress(90, 5_000, 90, Coverage.Of(50, 90))), stored, Durations, TimeZoneInfo.Utc, Rule);

        Assert.Null(plan.Write);
        Assert.Empty(plan.Completes);
        Assert.Equal(new LectureCompleted("u1", "c1", "l1", new DateOnly(2026, 5, 10)), Assert.Single(plan.Recorded));
    }

    [Fact]
    public void A_late_ping_with_new_footage_writes_coverage_but_leaves_resume_to_the_pipeline_guard()
    {
        var stored = new Dictionary<string, StoredLecture>
        {
            ["l1"] = new(new LectureProgress(60, 9_000, 60, Coverage.Of(30, 60)), "30:60", null),
        };

        var plan = WriteModels.ForProgress(Snapshot(new LectureProgress(10, 2_000, 10, Coverage.Of(0, 10))), stored, Durations, TimeZoneInfo.Utc, Rule);

        AssertRendered(
            """{ "userId": "u1", "courseId": "c1", "lectures.l1.coverage": "30:60" }""",
            $$"""[ { "$set": { {{Resume(10, 2_000, 10)}}, "lectures.l1.coverage": { "$literal": "0:10,30:60" } } } ]""",
            plan.Write);
    }

    [Fact]
    public void Day_totals_are_maxima_capped_at_a_day_and_completions_a_set()
    {
        var models = WriteModels.ForActivity(
            [new ActivitySnapshot("u1", new Dictionary<DateOnly, double> { [new(2026, 5, 10)] = 120, [new(2026, 5, 11)] = 100_000, [new(2026, 5, 12)] = 0 })],
            [new LectureCompleted("u1", "c1", "l1", new(2026, 5, 10)), new LectureCompleted("u1", "c1", "l1", new(2026, 5, 10)), new LectureCompleted("u1", "c2", "l9", new(2026, 5, 9))]);

        Assert.Equal(3, models.Count);
        AssertRendered("""{ "userId": "u1", "date": "2026-05-09" }""",
            """{ "$addToSet": { "completions": { "$each": [ "c2/l9" ] } } }""", models[0]);
        AssertRendered("""{ "userId": "u1", "date": "2026-05-10" }""",
            """{ "$max": { "seconds": 120.0 }, "$addToSet": { "completions": { "$each": [ "c1/l1" ] } } }""", models[1]);
        AssertRendered("""{ "userId": "u1", "date": "2026-05-11" }""",
            """{ "$max": { "seconds": 86400.0 } }""", models[2]);
    }

    [Fact]
    public void A_day_that_fills_a_gap_joins_two_runs_under_a_version_guard()
    {
        var learner = new StoredLearner(null, 3, [new DayRun(new(2026, 5, 1), new(2026, 5, 3)), new DayRun(new(2026, 5, 5), new(2026, 5, 6))], 7);

        AssertRendered(
            """{ "_id": "u1", "version": NumberLong(7) }""",
            """
            { "$set": { "runs": [ { "start": "2026-05-01", "end": "2026-05-06" } ], "version": NumberLong(8) },
              "$max": { "longestStreak": 6 } }
            """,
            WriteModels.ForRuns("u1", learner, [new DateOnly(2026, 5, 4)]));
        Assert.Null(WriteModels.ForRuns("u1", learner, [new DateOnly(2026, 5, 2)]));
    }

    [Fact]
    public void A_learners_first_run_is_inserted_only_where_no_version_exists_yet()
    {
        AssertRendered(
            """{ "_id": "u1", "version": { "$exists": false } }""",
            """{ "$set": { "runs": [ { "start": "2026-05-04", "end": "2026-05-04" } ], "version": NumberLong(1) }, "$max": { "longestStreak": 1 } }""",
            WriteModels.ForRuns("u1", null, [new DateOnly(2026, 5, 4)]));
    }

    [Fact]
    public void An_explicit_completion_applies_only_to_an_incomplete_lecture()
    {
        AssertRendered(
            """{ "userId": "u1", "courseId": "c1", "lectures.l1.completed": { "$ne": true } }""",
            """
            { "$set": { "lectures.l1.completed": true, "lectures.l1.completedOn": "2026-05-10" },
              "$addToSet": { "completedLectures": "l1" } }
            """,
            WriteModels.ForCompletion("u1", "c1", "l1", new DateOnly(2026, 5, 10)));
        AssertRendered("""{ "userId": "u1", "date": "2026-05-10" }""", """{ "$inc": { "marks": 1 } }""",
            WriteModels.ForMark("u1", new DateOnly(2026, 5, 10)));
    }

    [Fact]
    public void Nothing_a_flush_writes_increments()
    {
        var stored = new Dictionary<string, StoredLecture> { ["l1"] = new(new LectureProgress(50, 4_000, 50, Coverage.Of(0, 50)), "0:50", null) };
        var progress = WriteModels.ForProgress(Snapshot(new LectureProgress(95, May10Noon, 95, Coverage.Of(50, 95))), stored, Durations, TimeZoneInfo.Utc, Rule);
        var activity = WriteModels.ForActivity([new ActivitySnapshot("u1", new Dictionary<DateOnly, double> { [new(2026, 5, 10)] = 90 })], progress.Completes);
        var runs = WriteModels.ActiveDays([], progress.Completes).Select(kv => WriteModels.ForRuns(kv.Key, null, kv.Value)!);

        foreach (var model in activity.Append(progress.Write!).Concat(runs))
        {
            Assert.DoesNotContain("$inc", model.Update.Render(Args).ToJson());
            Assert.True(model.IsUpsert);
        }
    }

    [Fact]
    public void Only_a_full_minute_or_a_completion_makes_a_day_active()
    {
        var days = WriteModels.ActiveDays(
            [new ActivitySnapshot("u1", new Dictionary<DateOnly, double> { [new(2026, 5, 10)] = 59.9, [new(2026, 5, 11)] = 60 })],
            [new LectureCompleted("u2", "c1", "l1", new(2026, 5, 9))]);

        Assert.Equal([new DateOnly(2026, 5, 11)], days["u1"]);
        Assert.Equal([new DateOnly(2026, 5, 9)], days["u2"]);
    }

    [Fact]
    public void The_unique_indexes_start_with_the_learner()
    {
        var progress = MongoIndexes.ProgressByLearnerAndCourse;
        var activity = MongoIndexes.ActivityByLearnerAndDate;

        Assert.Equal(Exact(BsonDocument.Parse("""{ "userId": 1, "courseId": 1 }""")), Exact(progress.Keys.Render(Args)));
        Assert.Equal(("userId_courseId", true), (progress.Options.Name, progress.Options.Unique));
        Assert.Equal(Exact(BsonDocument.Parse("""{ "userId": 1, "date": 1 }""")), Exact(activity.Keys.Render(Args)));
        Assert.Equal(("userId_date", true), (activity.Options.Name, activity.Options.Unique));
    }
}
