using LearnProgress.Core.Events;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;
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
    private static readonly CourseKey C1 = new("u1", "c1");
    private static readonly DateOnly May10 = new(2026, 5, 10);

    private static void AssertRendered(string expectedFilter, string expectedUpdate, UpdateOneModel<BsonDocument>? model)
    {
        Assert.NotNull(model);
        Assert.True(model.IsUpsert);
        Assert.Equal(Exact(BsonDocument.Parse(expectedFilter)), Exact(model.Filter.Render(Args)));
        Assert.Equal(Exact(BsonDocument.Parse(expectedUpdate)), Exact(model.Update.Render(Args)));
    }

    // Canonical extended JSON keeps numeric types apart (BSON equality would take 8 for NumberLong(8)).
    private static string Exact(BsonValue value) => value.ToJson(new JsonWriterSettings { OutputMode = JsonOutputMode.CanonicalExtendedJson });

    private static LecturePlan Lecture(string id, LectureProgress after, DateOnly? completedOn = null, StoredLecture? before = null) =>
        new(C1, id, new StoredLecture(after, completedOn), before);

    [Fact]
    public void A_first_write_of_a_document_inserts_it_only_where_no_version_exists_yet()
    {
        var model = WriteModels.ForLectures(C1, [Lecture("l1", new LectureProgress(40, 5_000, 45, Coverage.Of(0, 40)))], null);

        AssertRendered(
            """{ "userId": "u1", "courseId": "c1", "version": { "$exists": false } }""",
            """
            { "$set": { "lectures.l1.position": 40.0, "lectures.l1.updatedAt": NumberLong(5000), "lectures.l1.furthest": 45.0,
                        "lectures.l1.coverage": "0:40", "lectures.l1.completed": false, "version": NumberLong(1) } }
            """,
            model);
    }

    [Fact]
    public void A_completion_is_saved_with_its_day_and_joins_the_set_under_the_version_it_was_planned_on()
    {
        var before = new StoredLecture(new LectureProgress(50, 4_000, 50, Coverage.Of(0, 50)), null);
        var model = WriteModels.ForLectures(C1,
        [
            Lecture("l1", new LectureProgress(95, 6_000, 95, Coverage.Of(0, 95), Completed: true), May10, before),
            Lecture("l2", new LectureProgress(1, 1, 1), before: new StoredLecture(new LectureProgress(1, 1, 1), null)),   // unchanged: not written
        ], 3);

        AssertRendered(
            """{ "userId": "u1", "courseId": "c1", "version": NumberLong(3) }""",
            """
            { "$set": { "lectures.l1.position": 95.0, "lectures.l1.updatedAt": NumberLong(6000), "lectures.l1.furthest": 95.0,
                        "lectures.l1.coverage": "0:95", "lectures.l1.completed": true, "lectures.l1.completedOn": "2026-05-10",
                        "version": NumberLong(4) },
              "$addToSet": { "completedLectures": { "$each": [ "l1" ] } } }
            """,
            model);
    }

    [Fact]
    public void A_plan_that_changes_no_lecture_writes_nothing()
    {
        var stored = new StoredLecture(new LectureProgress(1, 1, 1), null);
        Assert.Null(WriteModels.ForLectures(C1, [Lecture("l1", stored.Progress, before: stored)], 2));
    }

    [Fact]
    public void A_day_is_saved_whole_under_its_version()
    {
        var before = new StoredDay(May10, Coverage.Of(0, 30), 30, 2);
        AssertRendered(
            """{ "userId": "u1", "date": "2026-05-10", "version": NumberLong(5) }""",
            """{ "$set": { "played": "0:30,100:160", "seconds": 90.0, "marks": 3, "version": NumberLong(6) } }""",
            WriteModels.ForDay(new DayPlan(new DayKey("u1", May10), Coverage.Of(0, 30).Add(100, 160), 90, 1, before), 5));
    }

    [Fact]
    public void A_marks_request_key_joins_the_days_set_in_the_same_guarded_write()
    {
        var plan = new DayPlan(new DayKey("u1", May10), Coverage.Empty, 0, 1, null) { NewMarkKeys = ["tap-1"] };
        AssertRendered(
            """{ "userId": "u1", "date": "2026-05-10", "version": { "$exists": false } }""",
            """{ "$set": { "played": "", "seconds": 0.0, "marks": 1, "version": NumberLong(1) }, "$addToSet": { "markKeys": { "$each": [ "tap-1" ] } } }""",
            WriteModels.ForDay(plan, null));
    }

    [Fact]
    public void A_days_completions_are_a_set_written_again_for_every_completed_lecture_a_plan_touches()
    {
        var stored = new StoredLecture(new LectureProgress(100, 1, 100, Coverage.Empty, Completed: true), May10);
        var models = WriteModels.ForDayCompletions(
        [
            Lecture("l1", stored.Progress, May10, stored),                       // completed before, unchanged
            Lecture("l2", new LectureProgress(0, 0, 0, Coverage.Empty, Completed: true), May10),
            Lecture("l3", new LectureProgress(5, 5, 5)),
        ]);

        AssertRendered("""{ "userId": "u1", "date": "2026-05-10" }""",
            """{ "$addToSet": { "completions": { "$each": [ "c1/l1", "c1/l2" ] } } }""", Assert.Single(models));
    }

    [Fact]
    public void A_day_that_fills_a_gap_joins_two_runs_under_a_version_guard()
    {
        var before = new List<DayRun> { new(new(2026, 5, 1), new(2026, 5, 3)), new(new(2026, 5, 5), new(2026, 5, 6)) };
        var after = Streaks.Extend(before, [new DateOnly(2026, 5, 4)]);

        AssertRendered(
            """{ "_id": "u1", "version": NumberLong(7) }""",
            """{ "$set": { "runs": [ { "start": "2026-05-01", "end": "2026-05-06" } ], "longestStreak": 6, "version": NumberLong(8) } }""",
            WriteModels.ForRuns(new RunsPlan("u1", before, after), 7));
        AssertRendered(
            """{ "_id": "u1", "version": { "$exists": false } }""",
            """{ "$set": { "runs": [ { "start": "2026-05-04", "end": "2026-05-04" } ], "longestStreak": 1, "version": NumberLong(1) } }""",
            WriteModels.ForRuns(new RunsPlan("u1", [], [new DayRun(new(2026, 5, 4), new(2026, 5, 4))]), null));
    }

    [Fact]
    public void Nothing_the_store_writes_increments()
    {
        var lecture = Lecture("l1", new LectureProgress(95, 6_000, 95, Coverage.Of(0, 95), Completed: true), May10);
        var models = new[]
        {
            WriteModels.ForLectures(C1, [lecture], 1)!,
            WriteModels.ForDay(new DayPlan(new DayKey("u1", May10), Coverage.Of(0, 90), 90, 1, null), null),
            WriteModels.ForRuns(new RunsPlan("u1", [], [new DayRun(May10, May10)]), null),
        }.Concat(WriteModels.ForDayCompletions([lecture]));

        foreach (var model in models)
        {
            Assert.DoesNotContain("$inc", model.Update.Render(Args).ToJson());
            Assert.True(model.IsUpsert);
        }
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

    [Fact]
    public void A_courses_documents_are_read_in_pages_by_courseId_then_id_which_one_index_serves()
    {
        var index = MongoIndexes.ProgressByCourse;
        var after = new ObjectId("665f1c2e9d3b4a0012345678");

        Assert.Equal(Exact(BsonDocument.Parse("""{ "courseId": 1, "_id": 1 }""")), Exact(index.Keys.Render(Args)));
        Assert.Equal(("courseId__id", null), (index.Options.Name, index.Options.Unique));
        Assert.Equal(Exact(BsonDocument.Parse("""{ "courseId": "c1" }""")), Exact(MongoCourseAnalytics.CoursePage("c1", null)));
        Assert.Equal(Exact(new BsonDocument { { "courseId", "c1" }, { "_id", new BsonDocument("$gt", after) } }),
            Exact(MongoCourseAnalytics.CoursePage("c1", after)));
        Assert.InRange(MongoCourseAnalytics.PageTime, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(29));   // inside the 30 s socket timeout
    }

    [Fact]
    public void An_event_is_inserted_only_if_absent_keyed_by_its_deterministic_id_with_its_place_in_the_feed()
    {
        var e = LearningEvent.Create(EventTypes.LectureCompleted, "u1", "c1/l1", new DateTimeOffset(2026, 5, 10, 8, 0, 0, TimeSpan.Zero),
            new LectureCompletedData("u1", "c1", "l1", May10));
        var f = LearningEvent.Create(EventTypes.CourseCompleted, "u1", "c1", new DateTimeOffset(2026, 5, 10, 8, 0, 0, TimeSpan.Zero),
            new CourseCompletedData("u1", "c1", May10, 1));

        var models = WriteModels.ForEvents([e, f], 41, new DateTime(2026, 5, 10, 8, 0, 1, DateTimeKind.Utc));

        Assert.Equal(2, models.Count);
        AssertRendered(
            $$"""{ "_id": "{{e.Id}}" }""",
            """
            { "$setOnInsert": { "type": "lecture.completed", "userId": "u1", "timestamp": { "$date": "2026-05-10T08:00:00Z" },
                                "data": { "userId": "u1", "courseId": "c1", "lectureId": "l1", "day": "2026-05-10" },
                                "seq": NumberLong(41), "seqAt": { "$date": "2026-05-10T08:00:01Z" } } }
            """,
            models[0]);
        Assert.Equal(Exact(new BsonInt64(42)), Exact(models[1].Update.Render(Args)["$setOnInsert"]["seq"]));
    }

    [Fact]
    public void An_event_reads_back_as_it_was_decided_so_the_feed_and_deliveries_send_the_same_bytes()
    {
        var e = LearningEvent.Create(EventTypes.CourseCompleted, "u1", "c1", new DateTimeOffset(2026, 5, 10, 8, 0, 0, 123, TimeSpan.Zero),
            new CourseCompletedData("u1", "c1", May10, 12));
        var stored = WriteModels.ForEvents([e], 1, DateTime.UnixEpoch).Single().Update.Render(Args)["$setOnInsert"].AsBsonDocument;
        stored["_id"] = e.Id.ToString();

        Assert.Equal(e, StoredDocuments.Event(stored));
        Assert.Equal("""{"userId":"u1","courseId":"c1","day":"2026-05-10","lectures":12}""", StoredDocuments.Event(stored).Data);
    }

    [Fact]
    public void Event_numbers_are_taken_in_one_block_stamped_with_the_servers_time()
    {
        Assert.Equal(Exact(BsonDocument.Parse("""{ "$inc": { "value": NumberLong(3) }, "$currentDate": { "at": true } }""")),
            Exact(WriteModels.TakeEventNumbers(3).Render(Args)));
    }

    [Fact]
    public void The_feed_reads_in_sequence_order_with_each_events_age_by_the_servers_clock()
    {
        var stages = MongoEventLog.FeedPage(7, 100).Render(new RenderArgs<BsonDocument>(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry)).Documents;

        Assert.Equal(
            Exact(BsonArray.Create(new[]
            {
                BsonDocument.Parse("""{ "$match": { "seq": { "$gt": NumberLong(7) } } }"""),
                BsonDocument.Parse("""{ "$sort": { "seq": 1 } }"""),
                BsonDocument.Parse("""{ "$limit": 100 }"""),
                BsonDocument.Parse("""{ "$addFields": { "age": { "$subtract": ["$$NOW", "$seqAt"] } } }"""),
            })),
            Exact(new BsonArray(stages)));
    }

    [Fact]
    public void The_indexes_of_events_webhooks_and_achievements()
    {
        static (string, string?, bool?) Of(CreateIndexModel<BsonDocument> index) =>
            (Exact(index.Keys.Render(Args)), index.Options.Name, index.Options.Unique);

        Assert.Equal((Exact(BsonDocument.Parse("""{ "seq": 1 }""")), "seq", null), Of(MongoIndexes.EventsBySequence));
        Assert.Equal((Exact(BsonDocument.Parse("""{ "userId": 1 }""")), "userId", null), Of(MongoIndexes.EventsByLearner));
        Assert.Equal((Exact(BsonDocument.Parse("""{ "status": 1, "nextAttemptAt": 1 }""")), "status_nextAttemptAt", null), Of(MongoIndexes.DeliveriesDue));
        Assert.Equal((Exact(BsonDocument.Parse("""{ "endpointId": 1, "createdAt": -1 }""")), "endpointId_createdAt", null), Of(MongoIndexes.DeliveriesByEndpoint));
        Assert.Equal((Exact(BsonDocument.Parse("""{ "eventId": 1 }""")), "eventId", null), Of(MongoIndexes.DeliveriesByEvent));
        Assert.Equal((Exact(BsonDocument.Parse("""{ "endpointId": 1, "at": -1 }""")), "endpointId_at", null), Of(MongoIndexes.AttemptsByEndpoint));
        Assert.Equal((Exact(BsonDocument.Parse("""{ "eventId": 1 }""")), "eventId", null), Of(MongoIndexes.AttemptsByEvent));
        Assert.Equal((Exact(BsonDocument.Parse("""{ "userId": 1, "achievementId": 1 }""")), "userId_achievementId", true), Of(MongoIndexes.AchievementsByLearner));
    }
}
