using System.Diagnostics;
using LearnProgress.Core;
using LearnProgress.Core.Events;
using MongoDB.Bson;
using MongoDB.Driver;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Mongo;

/// <summary>
/// Writes events with their place in the feed. Every writer (a flush, a completion, an award, an erase) inserts events
/// the same way: the ones not stored yet take consecutive numbers from the <c>counters</c> document in one
/// <c>findOneAndUpdate $inc</c>, stamped with the server's time, then are inserted if absent by their deterministic id.
/// </summary>
/// <remarks>
/// The numbers are taken before the insert commits, and several instances write at once, so a later number can be
/// visible before an earlier one; <see cref="MongoEventLog"/> reads only up to a settled point
/// (<see cref="SettledSequence"/>). Its window holds because numbers whose taking was slower than
/// <see cref="SettledSequence.TakingBudget"/> (a slow majority, say) are left as a hole and taken again, and the insert
/// follows at once. Events already stored take no number, so a replayed cause leaves no hole for readers to wait on.
/// </remarks>
internal sealed class MongoEventWriter(IMongoDatabase database)
{
    private const int MaxTakes = 3;
    private static readonly BulkWriteOptions Unordered = new() { IsOrdered = false };
    private static readonly FindOneAndUpdateOptions<BsonDocument> TakeOptions = new() { IsUpsert = true, ReturnDocument = ReturnDocument.After };

    // Which events are stored already is a majority read: an event stored only on a primary can roll back, and a
    // replay that took it as stored would never write it again. Written again instead, it collides and is kept.
    private readonly IMongoCollection<BsonDocument> _events = database.WithReadConcern(ReadConcern.Majority)
        .GetCollection<BsonDocument>(MongoNames.Events.Collection);
    private readonly IMongoCollection<BsonDocument> _counters = database.GetCollection<BsonDocument>(Counters.Collection);

    public async Task WriteAsync(IEnumerable<LearningEvent> events, CancellationToken ct)
    {
        var distinct = events.DistinctBy(e => e.Id).ToList();
        if (distinct.Count == 0) return;
        var stored = (await _events.Find(new BsonDocument(Id, new BsonDocument("$in", new BsonArray(distinct.Select(e => e.Id.ToString())))))
                .Project(new BsonDocument(Id, 1)).ToListAsync(ct))
            .Select(d => d[Id].AsString).ToHashSet(StringComparer.Ordinal);
        var fresh = distinct.Where(e => !stored.Contains(e.Id.ToString())).ToList();
        if (fresh.Count == 0) return;

        var (first, at) = await TakeNumbersAsync(fresh.Count, ct);
        try
        {
            await _events.BulkWriteAsync(WriteModels.ForEvents(fresh, first, at), Unordered, ct);
        }
        catch (MongoBulkWriteException<BsonDocument> ex) when (ex.WriteConcernError is null && ex.UnprocessedRequests.Count == 0 &&
                                                               ex.WriteErrors.All(e => e.Category == ServerErrorCategory.DuplicateKey))
        {
            // Another writer inserted the same event meanwhile; its write stays and this number is a hole.
        }
    }

    private async Task<(long First, DateTime At)> TakeNumbersAsync(int count, CancellationToken ct)
    {
        for (var take = 1; ; take++)
        {
            var started = Stopwatch.GetTimestamp();
            var counter = await _counters.FindOneAndUpdateAsync(new BsonDocument(Id, Counters.Events), WriteModels.TakeEventNumbers(count), TakeOptions, ct);
            var took = Stopwatch.GetElapsedTime(started);
            if (took <= SettledSequence.TakingBudget)
                return (counter[Counters.Value].ToInt64() - count + 1, counter[Counters.At].ToUniversalTime());
            if (take == MaxTakes)
                throw new StoreUnavailableException($"MongoDB took {took.TotalSeconds:0.0} s to number events {MaxTakes} times in a row.",
                    new TimeoutException("Numbering events was slower than its budget."));
        }
    }
}

/// <summary>
/// The feed of the <c>events</c> collection in the order of <c>seq</c>, read with read concern majority (an event a
/// failover could roll back is never listed) and only up to the settled point <see cref="SettledSequence"/> decides:
/// a hole in the numbers is passed once the number after it was taken more than the window ago by the server's clock.
/// The places of erased events (<see cref="ErasedPlaces"/>) fill their numbers, so they are no hole; they are passed
/// over and only move the cursor. Events stored before they carried a number are not listed.
/// </summary>
public sealed class MongoEventLog(IMongoDatabase database) : IEventLog
{
    private readonly IMongoCollection<BsonDocument> _events = database.WithReadConcern(ReadConcern.Majority)
        .GetCollection<BsonDocument>(MongoNames.Events.Collection);

    public async Task<EventLogPage> ReadAfterAsync(long after, int limit, CancellationToken cancellationToken = default)
    {
        var events = new List<StoredEvent>();
        var next = after;
        // Erased places take room in a page without being listed: read on until the page is full or the readable end.
        while (events.Count < limit)
        {
            var asked = limit - events.Count;
            var read = await (await _events.AggregateAsync<BsonDocument>(FeedPage(next, asked), cancellationToken: cancellationToken))
                .ToListAsync(cancellationToken);
            var readable = SettledSequence.ReadableCount(next,
                read.Select(d => new SettledSequence.Numbered(d[MongoNames.Events.Sequence].ToInt64(), TimeSpan.FromMilliseconds(d[Age].ToDouble()))).ToList(),
                SettledSequence.Window);
            foreach (var d in read.Take(readable))
            {
                next = Math.Max(next, d[MongoNames.Events.Sequence].ToInt64());
                if (!ErasedPlaces.Is(d)) events.Add(new StoredEvent(d[MongoNames.Events.Sequence].ToInt64(), StoredDocuments.Event(d)));
            }
            if (readable < read.Count || read.Count < asked) break;
        }
        return new EventLogPage(events, next);
    }

    /// <summary>The field of each listed event holding how long ago its number was taken, in milliseconds.</summary>
    public const string Age = "age";

    /// <summary>The page after a cursor, each event with its age by the server's clock, so instances' clocks do not matter.</summary>
    public static PipelineDefinition<BsonDocument, BsonDocument> FeedPage(long after, int limit) => new BsonDocument[]
    {
        new("$match", new BsonDocument(MongoNames.Events.Sequence, new BsonDocument("$gt", after))),
        new("$sort", new BsonDocument(MongoNames.Events.Sequence, 1)),
        new("$limit", limit),
        new("$addFields", new BsonDocument(Age, new BsonDocument("$subtract", new BsonArray { "$$NOW", "$" + MongoNames.Events.SequencedAt }))),
    };
}

/// <summary>
/// What an erased event leaves in the <c>events</c> collection: its number and when the number was taken, so the feed
/// finds no hole there (a hole makes readers wait out the settle window, as for a write in flight), and nothing of the
/// event: no id (a name-based id is derived from the learner's), learner, type, time or data. Its own id is made from
/// the number, so erasing again after a crash writes the same place once, and a new event of the same id (the learner
/// returning) is written afresh.
/// </summary>
public static class ErasedPlaces
{
    public static string IdFor(long sequence) => "erased:" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static bool Is(BsonDocument document) => document.GetValue(MongoNames.Events.Erased, false).ToBoolean();

    /// <summary>The place of the event numbered <paramref name="sequence"/>, added if absent.</summary>
    public static UpdateOneModel<BsonDocument> For(long sequence, DateTime sequencedAt) => new(
        new BsonDocument(Id, IdFor(sequence)),
        new BsonDocument("$setOnInsert", new BsonDocument
        {
            { MongoNames.Events.Sequence, sequence },
            { MongoNames.Events.SequencedAt, new BsonDateTime(sequencedAt) },
            { MongoNames.Events.Erased, true },
        }))
    { IsUpsert = true };
}
