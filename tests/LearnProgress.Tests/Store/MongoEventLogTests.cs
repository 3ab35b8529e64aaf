using LearnProgress.Core.Events;
using LearnProgress.Core.Record;
using LearnProgress.Mongo;
using LearnProgress.Tests.Infrastructure;
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
            read.AddRange(page);
            if (page.Count > 0) after = page[^1].Sequence;
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

        var read = await new MongoEventLog(database).ReadAfterAsync(0, 10);
        Assert.Equal([a, b], read.Select(r => r.Event));
        Assert.Equal([1L, 2L], read.Select(r => r.Sequence));
    }
}
