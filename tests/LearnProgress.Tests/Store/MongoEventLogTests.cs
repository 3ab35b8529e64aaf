using LearnProgress.Core.Events;
using LearnProgress.Core.Record;
using LearnProgress.Mongo;
using LearnProgress.Tests.Infrastructure;
using MongoDB.Bson;
using MongoDB.Driver;

namespace LearnProgress.Tests.Store;

/// <summary>
/// The MongoDB feed against a real server (skipped with the reason without one): writers racing on the counter never
/// make a reader that resumes from its cursor miss an event, and a replayed event keeps its place.
/// </summary>
public sealed class MongoEventLogTests(MongoServer server)
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private (MongoClient Client, IMongoDatabase Database) Connect()
    {
        server.Require();
        var url = new MongoUrl(server.ConnectionStringForNewDatabase());
        var client = new MongoClient(url);
        return (client, client.GetDatabase(url.DatabaseName));
    }

    private static LearningEvent Event(string user, string subject) =>
        LearningEvent.Create(EventTypes.LectureCompleted, user, subject, At, new { userId = user, subject });

    private static Task<RecordPlan> Save(MongoProgressStore store, string user, params LearningEvent[] events) =>
        store.ApplyAsync(RecordChange.Mark(user, DateOnly.FromDateTime(At.UtcDateTime)), _ => RecordPlan.Empty with { Events = events });

    [Fact]
    public async Task A_reader_resuming_from_its_cursor_while_writers_race_misses_no_event()
    {
        var (client, database) = Connect();
        using var connection = client;
        var store = new MongoProgressStore(database);
        await store.CreateIndexesAsync();
        var log = new MongoEventLog(database);
        var written = new List<Guid>();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var user = Unique.Id("u");
            for (var i = 0; i < 25; i++)
            {
                var e = Event(user, $"s{i}");
                lock (written) written.Add(e.Id);
                await Save(store, user, e);
            }
        })).ToList();

        var read = new List<StoredEvent>();
        long after = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (read.Count < 200 && DateTime.UtcNow < deadline)
        {
            var page = await log.ReadAfterAsync(after, 7);
            read.AddRange(page.Events);
            if (page.Next > after) after = page.Next;
            else await Task.Delay(20);
        }
        await Task.WhenAll(writers);

        Assert.Equal(written.Order(), read.Select(r => r.Event.Id).Order());
        Assert.True(read.Zip(read.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence));
    }

    [Fact]
    public async Task A_replayed_event_keeps_its_place_and_leaves_no_hole_for_the_next()
    {
        var (client, database) = Connect();
        using var connection = client;
        var store = new MongoProgressStore(database);
        await store.CreateIndexesAsync();
        var user = Unique.Id("u");
        var a = Event(user, "a");
        var b = Event(user, "b");

        await Save(store, user, a);
        await Save(store, user, Event(user, "a") with { Timestamp = At.AddHours(1) }, b);

        var read = (await new MongoEventLog(database).ReadAfterAsync(0, 10)).Events;
        Assert.Equal([a, b], read.Select(r => r.Event));
        Assert.Equal([1L, 2L], read.Select(r => r.Sequence));
    }

    [Fact]
    public async Task Erasing_a_learner_whose_events_sit_between_anothers_leaves_no_hole_for_the_feed_to_wait_at()
    {
        var (client, database) = Connect();
        using var connection = client;
        var store = new MongoProgressStore(database);
        await store.CreateIndexesAsync();
        var (kept, erased) = (Unique.Id("u"), Unique.Id("u"));
        var (b1, a1, a2, b2) = (Event(kept, "1"), Event(erased, "1"), Event(erased, "2"), Event(kept, "2"));
        await Save(store, kept, b1);
        await Save(store, erased, a1, a2);
        await Save(store, kept, b2);
        var announcement = EventTypes.Erased(erased, At);

        await new MongoLearnerData(database).EraseAsync(erased, announcement);
        // Read at once: the erased events' numbers (2 and 3) are seconds old, far inside the settle window.
        var page = await new MongoEventLog(database).ReadAfterAsync(0, 10);

        Assert.Equal([b1, b2, announcement], page.Events.Select(r => r.Event));
        Assert.Equal([1L, 4L, 5L], page.Events.Select(r => r.Sequence));
        Assert.Equal(5L, page.Next);
        // A page filled with erased places still moves the cursor past them.
        var past = await new MongoEventLog(database).ReadAfterAsync(1, 2);
        Assert.Equal([b2, announcement], past.Events.Select(r => r.Event));
        // What stays of the erased events is their numbers: no id, learner, type, time or data.
        var events = database.GetCollection<BsonDocument>(MongoNames.Events.Collection);
        var places = await events.Find(new BsonDocument(MongoNames.Events.Erased, true)).Sort(new BsonDocument(MongoNames.Events.Sequence, 1)).ToListAsync();
        Assert.Equal([2L, 3L], places.Select(p => p[MongoNames.Events.Sequence].ToInt64()));
        Assert.All(places, p => Assert.Equal(["_id", "seq", "seqAt", "erased"], p.Names));
        Assert.All(places, p => Assert.DoesNotContain(erased, p.ToJson(), StringComparison.Ordinal));
        Assert.Empty(await events.Find(new BsonDocument(MongoNames.Events.UserId, erased)).ToListAsync());
        Assert.Empty(await events.Find(new BsonDocument(MongoNames.Id, new BsonDocument("$in", new BsonArray { a1.Id.ToString(), a2.Id.ToString() }))).ToListAsync());
    }

    [Fact]
    public async Task Erasing_twice_leaves_one_place_and_a_returning_learners_event_is_written_afresh()
    {
        var (client, database) = Connect();
        using var connection = client;
        var store = new MongoProgressStore(database);
        await store.CreateIndexesAsync();
        var user = Unique.Id("u");
        var first = Event(user, "1");
        await Save(store, user, first);
        var data = new MongoLearnerData(database);

        await data.EraseAsync(user, EventTypes.Erased(user, At));
        await data.EraseAsync(user, EventTypes.Erased(user, At.AddSeconds(1)));
        await Save(store, user, Event(user, "1"));

        var page = await new MongoEventLog(database).ReadAfterAsync(0, 10);
        Assert.Equal([EventTypes.LearnerErased, EventTypes.LearnerErased, EventTypes.LectureCompleted], page.Events.Select(r => r.Event.Type));
        Assert.Equal(first.Id, page.Events[^1].Event.Id);
        Assert.Equal(1, await database.GetCollection<BsonDocument>(MongoNames.Events.Collection)
            .CountDocumentsAsync(new BsonDocument(MongoNames.Events.Erased, true)));
    }
}
