using LearnProgress.Core;
using LearnProgress.Core.Catalog;
using LearnProgress.Core.Events;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;
using LearnProgress.Mongo;
using LearnProgress.Tests.Infrastructure;
using MongoDB.Bson;
using MongoDB.Driver;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Tests.Store;

/// <summary>
/// The store on a replica set that does not confirm its writes, and the read and write concerns a write travels with.
/// A write concern of w:2 cannot be satisfied by a single-node replica set: the server applies the write and answers
/// with a writeConcernError at once, just as a primary whose majority timed out does.
/// </summary>
public sealed class MongoFaultTests(MongoServer server)
{
    private readonly string _user = Unique.Id("u");
    private readonly string _course = Unique.Id("c");
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private async Task<IMongoDatabase> DatabaseAsync(MongoClient client)
    {
        var database = client.GetDatabase(server.NewDatabaseName());
        await new MongoProgressStore(database).CreateIndexesAsync();
        var catalog = new MongoCourseCatalog(database);
        await catalog.CreateCourseAsync(_course, "Course");
        await catalog.PutLectureAsync(_course, new Lecture("l1", "Lecture 1", 100));
        return database;
    }

    /// <summary>What a flush of the learner's bucket hands to the store: played up to <paramref name="watched"/> of the 100 s lecture.</summary>
    private FlushBatch Flushed(double watched) => new(
        [new CourseProgressSnapshot(_user, _course, new Dictionary<string, LectureProgress> { ["l1"] = new(watched, 1_000, watched, Coverage.Of(0, watched)) })],
        [RecordHarness.Played(_user, Today, watched)]);

    /// <summary>Planned as <see cref="RecordWriter"/> plans, events included.</summary>
    private static Task<RecordPlan> WriteAsync(MongoProgressStore store, RecordChange change)
    {
        var planner = new RecordPlanner(new CompletionRule(0.9));
        var events = new EventPlanner(TimeProvider.System, EventPlanner.DefaultMilestones);
        return store.ApplyAsync(change, stored => events.Attach(planner.Plan(change, stored), stored));
    }

    public static TheoryData<string> Writes => ["flush", "heatmap mark", "completion"];

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task A_write_no_majority_confirms_is_the_store_being_unavailable(string write)
    {
        server.RequireReplicaSet();
        using var client = server.NewClient();
        var database = await DatabaseAsync(client);
        var unconfirmed = new MongoProgressStore(database, new WriteConcern(2, wTimeout: TimeSpan.FromSeconds(5)));
        var change = write switch
        {
            // Neither completes a lecture, so the first write is a bulk write (progress, activity), not the events' numbering.
            "flush" => RecordChange.Of(Flushed(10)),
            "heatmap mark" => RecordChange.Mark(_user, Today),
            _ => RecordChange.Complete(new ExplicitCompletion(_user, _course, "l1", Today)),
        };

        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => WriteAsync(unconfirmed, change));

        Assert.True(refused.InnerException is MongoBulkWriteException { WriteConcernError: not null } or MongoWriteConcernException,
            refused.InnerException?.ToString());
    }

    [Fact]
    public async Task The_state_a_flush_plans_on_is_read_from_a_majority_and_its_writes_wait_for_one()
    {
        var commands = new MongoCommands();
        using var client = server.NewClient(commands.Watch);
        var database = await DatabaseAsync(client);
        // As a connection string with w=1&readConcernLevel=local would make it: the store overrides both.
        var store = new MongoProgressStore(database.WithReadConcern(ReadConcern.Local).WithWriteConcern(WriteConcern.W1));
        commands.Clear();

        var plan = await WriteAsync(store, RecordChange.Of(Flushed(100)));

        Assert.NotEmpty(plan.Events);   // the completion's event, so the read of stored events is part of the plan
        foreach (var collection in new[] { Progress.Collection, Activity.Collection, Learners.Collection, Courses.Collection, MongoNames.Events.Collection })
        {
            var reads = commands.To(collection, "find", "aggregate");
            Assert.True(reads.Count > 0, $"No read of {collection} was seen.");
            Assert.All(reads, read => Assert.Equal("majority", ReadConcernLevel(read)));
        }
        var writes = commands.Named("insert", "update", "delete", "findAndModify");
        Assert.NotEmpty(writes);
        Assert.All(writes, write => Assert.Equal("majority", write.GetValue("writeConcern", new BsonDocument())["w"].ToString()));
    }

    private static string ReadConcernLevel(BsonDocument command) =>
        command.GetValue("readConcern", new BsonDocument()).AsBsonDocument.GetValue("level", "(server default: local)").AsString;
}
