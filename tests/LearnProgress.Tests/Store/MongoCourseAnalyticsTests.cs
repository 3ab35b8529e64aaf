using LearnProgress.Core.Progress;
using LearnProgress.Mongo;
using LearnProgress.Tests.Infrastructure;
using MongoDB.Bson;
using MongoDB.Driver;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Tests.Store;

/// <summary>Course analytics read one course's progress documents through an index, in pages a server answers quickly.</summary>
public sealed class MongoCourseAnalyticsTests(MongoServer server)
{
    private static FlushBatch Learners(string courseId, IEnumerable<string> users) => new(
        users.Select(u => new CourseProgressSnapshot(u, courseId, new Dictionary<string, LectureProgress> { ["l1"] = new(10, 1_000, 10) })).ToList(), []);

    [Fact]
    public async Task A_course_is_read_in_bounded_pages_over_an_index_that_starts_with_courseId()
    {
        var commands = new MongoCommands();
        using var client = server.NewClient(commands.Watch);
        var database = client.GetDatabase(server.NewDatabaseName());
        var store = new MongoProgressStore(database);
        await store.CreateIndexesAsync();
        var harness = new RecordHarness(store, new MongoCourseCatalog(database), new MongoLearnerSettings(database));
        var course = Unique.Id("c");
        var other = Unique.Id("c");
        var learners = Enumerable.Range(0, 5).Select(_ => Unique.Id("u")).ToList();
        // Another course's documents lie between the course's in _id order, so walking the _id index is never as quick.
        foreach (var learner in learners)
        {
            await harness.UpsertProgressAsync(Learners(other, Enumerable.Range(0, 4).Select(_ => Unique.Id("u"))));
            await harness.UpsertProgressAsync(Learners(course, [learner]));
        }
        commands.Clear();

        var rows = await new MongoCourseAnalytics(database).ReadCourseAsync(course, pageSize: 2, TestContext.Current.CancellationToken);

        Assert.Equal(learners.Order(StringComparer.Ordinal), rows.Select(r => r.UserId).Order(StringComparer.Ordinal));
        var pages = commands.To(Progress.Collection, "find");
        Assert.Equal(3, pages.Count);   // 2 + 2 + 1
        Assert.Empty(commands.Named("getMore"));
        Assert.All(pages, page =>
        {
            Assert.Equal(2, page.GetValue("limit", 0).ToInt32());
            // A page comes in its first batch (the driver asks for limit + 1, so the server closes the cursor at once).
            Assert.True(page.GetValue("batchSize", 0).ToInt32() >= 2, page.ToString());
            Assert.Equal(MongoCourseAnalytics.PageTime.TotalMilliseconds, page.GetValue("maxTimeMS", 0).ToDouble());
            Assert.Equal(new BsonDocument(Id, 1), page.GetValue("sort", new BsonDocument()));
        });

        var indexes = await (await database.GetCollection<BsonDocument>(Progress.Collection).Indexes.ListAsync()).ToListAsync();
        Assert.Contains(indexes, index => index["key"].Equals(new BsonDocument { { Progress.CourseId, 1 }, { Id, 1 } }));
        foreach (var page in pages.Take(2))   // the first page, and one after an _id
        {
            var explained = await database.RunCommandAsync<BsonDocument>(new BsonDocument { { "explain", Explainable(page) }, { "verbosity", "queryPlanner" } });
            var plan = explained["queryPlanner"]["winningPlan"];
            Assert.Contains(MongoIndexes.ProgressByCourse.Options.Name, Values(plan, "indexName"));
            Assert.DoesNotContain("COLLSCAN", Values(plan, "stage"));
            Assert.DoesNotContain("SORT", Values(plan, "stage"));
        }
    }

    [Fact]
    public async Task A_course_without_documents_and_one_of_exactly_a_page_are_read_whole()
    {
        using var client = server.NewClient();
        var database = client.GetDatabase(server.NewDatabaseName());
        var store = new MongoProgressStore(database);
        await store.CreateIndexesAsync();
        var harness = new RecordHarness(store, new MongoCourseCatalog(database), new MongoLearnerSettings(database));
        var course = Unique.Id("c");
        var learners = Enumerable.Range(0, 4).Select(_ => Unique.Id("u")).ToList();
        await harness.UpsertProgressAsync(Learners(course, learners));
        var analytics = new MongoCourseAnalytics(database);

        Assert.Empty(await analytics.ReadCourseAsync(Unique.Id("c"), pageSize: 2, TestContext.Current.CancellationToken));
        Assert.Equal(4, (await analytics.ReadCourseAsync(course, pageSize: 2, TestContext.Current.CancellationToken)).Count);
        Assert.Equal(4, (await analytics.ReadCourseAsync(course, TestContext.Current.CancellationToken)).Count);
    }

    /// <summary>The find as sent, without the session and cluster fields explain does not take.</summary>
    private static BsonDocument Explainable(BsonDocument find)
    {
        var command = new BsonDocument();
        foreach (var field in new[] { "find", "filter", "projection", "sort", "limit" })
            if (find.TryGetValue(field, out var value)) command[field] = value;
        return command;
    }

    /// <summary>Every value of a field anywhere in a plan (the classic engine nests inputStage, SBE adds a queryPlan level).</summary>
    private static IEnumerable<string> Values(BsonValue plan, string field) => plan switch
    {
        BsonDocument document => document.Elements.SelectMany(e =>
            e.Name == field && e.Value.IsString ? [e.Value.AsString] : Values(e.Value, field)),
        BsonArray array => array.SelectMany(v => Values(v, field)),
        _ => [],
    };
}
