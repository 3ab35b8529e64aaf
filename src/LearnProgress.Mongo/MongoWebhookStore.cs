using LearnProgress.Core.Events;
using LearnProgress.Core.Webhooks;
using MongoDB.Bson;
using MongoDB.Driver;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Mongo;

/// <summary>
/// Webhook endpoints, deliveries and their attempt log in MongoDB, with the semantics of the embedded store's tables.
/// Without a multi-document transaction each step is made safe to repeat instead: a fan-out adds its deliveries by id
/// if absent and only then moves the cursor (a crash between the two fans the same events out again, which adds
/// nothing), and a due delivery is leased by one <c>findOneAndUpdate</c> whose filter wants the lease free, so two
/// instances never claim the same delivery. Leases are judged and set by the server's clock (<c>$$NOW</c>), never an
/// instance's, and each claim counts up the delivery's <c>lease</c> number, which a renewal and a record must match.
/// </summary>
public sealed class MongoWebhookStore : IWebhookStore
{
    private static readonly BulkWriteOptions Unordered = new() { IsOrdered = false };

    private readonly IMongoCollection<BsonDocument> _endpoints;
    private readonly IMongoCollection<BsonDocument> _deliveries;
    private readonly IMongoCollection<BsonDocument> _attempts;
    private readonly IMongoCollection<BsonDocument> _counters;
    private readonly IMongoCollection<BsonDocument> _events;

    public MongoWebhookStore(IMongoDatabase database)
    {
        var db = database.WithWriteConcern(Majority);
        _endpoints = db.GetCollection<BsonDocument>(WebhookEndpoints.Collection);
        _deliveries = db.GetCollection<BsonDocument>(WebhookDeliveries.Collection);
        _attempts = db.GetCollection<BsonDocument>(WebhookAttempts.Collection);
        _counters = db.GetCollection<BsonDocument>(Counters.Collection);
        _events = db.GetCollection<BsonDocument>(MongoNames.Events.Collection);
    }

    public Task CreateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken = default) =>
        _endpoints.UpdateOneAsync(ById(endpoint.Id), WebhookModels.SaveEndpoint(endpoint), new UpdateOptions { IsUpsert = true }, cancellationToken);

    public async Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(CancellationToken cancellationToken = default) =>
        (await _endpoints.Find(FilterDefinition<BsonDocument>.Empty)
            .Sort(new BsonDocument { { WebhookEndpoints.CreatedAt, 1 }, { Id, 1 } }).ToListAsync(cancellationToken))
        .Select(WebhookModels.Endpoint).ToList();

    public async Task<WebhookEndpoint?> GetEndpointAsync(Guid id, CancellationToken cancellationToken = default) =>
        await _endpoints.Find(ById(id)).FirstOrDefaultAsync(cancellationToken) is { } found ? WebhookModels.Endpoint(found) : null;

    public async Task<bool> UpdateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken = default) =>
        (await _endpoints.UpdateOneAsync(ById(endpoint.Id), WebhookModels.SaveEndpoint(endpoint), cancellationToken: cancellationToken)).MatchedCount > 0;

    /// <summary>
    /// The endpoint first: a crash after it leaves deliveries nobody claims (claims want an enabled endpoint), and
    /// deleting again finds no endpoint; the log and deliveries go right after.
    /// </summary>
    public async Task<bool> DeleteEndpointAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var removed = await _endpoints.DeleteOneAsync(ById(id), cancellationToken);
        await _deliveries.DeleteManyAsync(new BsonDocument(WebhookDeliveries.EndpointId, id.ToString()), cancellationToken);
        await _attempts.DeleteManyAsync(new BsonDocument(WebhookAttempts.EndpointId, id.ToString()), cancellationToken);
        return removed.DeletedCount > 0;
    }

    public async Task<long> ReadFanOutCursorAsync(CancellationToken cancellationToken = default) =>
        await _counters.Find(new BsonDocument(Id, Counters.WebhookFanOut)).FirstOrDefaultAsync(cancellationToken) is { } cursor
            ? cursor[Counters.Value].ToInt64() : 0;

    public async Task FanOutAsync(IReadOnlyList<WebhookDelivery> deliveries, long? cursor, CancellationToken cancellationToken = default)
    {
        if (deliveries.Count > 0)
            try
            {
                await _deliveries.BulkWriteAsync(deliveries.Select(WebhookModels.AddDelivery), Unordered, cancellationToken);
            }
            catch (MongoBulkWriteException<BsonDocument> ex) when (ex.WriteConcernError is null && ex.UnprocessedRequests.Count == 0 &&
                                                                   ex.WriteErrors.All(e => e.Category == ServerErrorCategory.DuplicateKey))
            {
                // Another instance fanned the same events out at the same moment: its deliveries are the same ones.
            }
        if (cursor is { } after)
            await _counters.UpdateOneAsync(new BsonDocument(Id, Counters.WebhookFanOut), WebhookModels.MoveFanOutCursor(after),
                new UpdateOptions { IsUpsert = true }, cancellationToken);
    }

    public async Task<IReadOnlyList<LeasedDelivery>> ClaimDueAsync(DateTimeOffset dueBy, TimeSpan leaseFor, int limit, CancellationToken cancellationToken = default)
    {
        var enabled = await _endpoints.Find(new BsonDocument(WebhookEndpoints.Enabled, true)).Project(new BsonDocument(Id, 1))
            .ToListAsync(cancellationToken);
        if (enabled.Count == 0) return [];
        var filter = WebhookModels.Due(dueBy, enabled.Select(e => e[Id].AsString));
        var options = new FindOneAndUpdateOptions<BsonDocument>
        {
            Sort = new BsonDocument(WebhookDeliveries.NextAttemptAt, 1),
            ReturnDocument = ReturnDocument.After,
        };
        var claimed = new List<LeasedDelivery>();
        while (claimed.Count < limit &&
               await _deliveries.FindOneAndUpdateAsync(filter, WebhookModels.Claim(leaseFor), options, cancellationToken) is { } delivery)
            claimed.Add(new LeasedDelivery(WebhookModels.Delivery(delivery), delivery[WebhookDeliveries.Lease].ToInt64()));
        return claimed;
    }

    public async Task<bool> RenewLeaseAsync(Guid deliveryId, long lease, TimeSpan leaseFor, CancellationToken cancellationToken = default) =>
        (await _deliveries.UpdateOneAsync(WebhookModels.Held(deliveryId, lease, pendingOnly: true), WebhookModels.Renew(leaseFor),
            cancellationToken: cancellationToken)).MatchedCount == 1;

    /// <summary>
    /// The delivery's state first, guarded by the lease number (the fence: a holder whose lease another claim took
    /// writes nothing), then the log, then the endpoint's state. A crash after the state loses the log line of that one
    /// attempt, never the state the next claim works from.
    /// </summary>
    public async Task<bool> RecordAttemptAsync(long lease, DeliveryAttempt attempt, DeliveryStatus status, DateTimeOffset nextAttemptAt,
        WebhookEndpoint endpoint, CancellationToken cancellationToken = default)
    {
        var held = await _deliveries.UpdateOneAsync(WebhookModels.Held(attempt.DeliveryId, lease, pendingOnly: false),
            WebhookModels.AfterAttempt(attempt.Attempt, status, nextAttemptAt), cancellationToken: cancellationToken);
        if (held.MatchedCount != 1) return false;
        await _attempts.InsertOneAsync(WebhookModels.Attempt(attempt), cancellationToken: cancellationToken);
        await _endpoints.UpdateOneAsync(ById(endpoint.Id), WebhookModels.EndpointAfterAttempt(endpoint), cancellationToken: cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<DeliveryAttempt>> ListAttemptsAsync(Guid endpointId, int limit, CancellationToken cancellationToken = default) =>
        (await _attempts.Find(new BsonDocument(WebhookAttempts.EndpointId, endpointId.ToString()))
            .Sort(new BsonDocument { { WebhookAttempts.At, -1 }, { Id, -1 } }).Limit(limit).ToListAsync(cancellationToken))
        .Select(WebhookModels.ReadAttempt).ToList();

    public async Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(Guid endpointId, int limit, CancellationToken cancellationToken = default) =>
        (await _deliveries.Find(new BsonDocument(WebhookDeliveries.EndpointId, endpointId.ToString()))
            .Sort(new BsonDocument { { WebhookDeliveries.CreatedAt, -1 }, { Id, 1 } }).Limit(limit).ToListAsync(cancellationToken))
        .Select(WebhookModels.Delivery).ToList();

    public async Task<LearningEvent?> FindEventAsync(Guid eventId, CancellationToken cancellationToken = default) =>
        await _events.Find(ById(eventId)).FirstOrDefaultAsync(cancellationToken) is { } found ? StoredDocuments.Event(found) : null;

    private static BsonDocument ById(Guid id) => new(Id, id.ToString());
}

/// <summary>The webhook store's documents, filters and updates, built from data alone so their BSON is testable without a server.</summary>
public static class WebhookModels
{
    private static readonly BsonDateTime Never = new(0);

    /// <summary>Every field an admin or a delivery may change; <c>createdAt</c> only when the endpoint is new.</summary>
    public static BsonDocument SaveEndpoint(WebhookEndpoint e) => new()
    {
        {
            "$set", new BsonDocument
            {
                { WebhookEndpoints.Url, e.Url },
                { WebhookEndpoints.EventTypes, new BsonArray(e.EventTypes) },
                { WebhookEndpoints.Secret, e.Secret },
                { WebhookEndpoints.PreviousSecret, (BsonValue?)e.PreviousSecret ?? BsonNull.Value },
                { WebhookEndpoints.PreviousSecretExpiresAt, Date(e.PreviousSecretExpiresAt) },
                { WebhookEndpoints.Enabled, e.Enabled },
                { WebhookEndpoints.DisabledReason, (BsonValue?)e.DisabledReason ?? BsonNull.Value },
                { WebhookEndpoints.FailingSince, Date(e.FailingSince) },
            }
        },
        { "$setOnInsert", new BsonDocument(WebhookEndpoints.CreatedAt, Date(e.CreatedAt)) },
    };

    public static WebhookEndpoint Endpoint(BsonDocument d) => new(
        Guid.Parse(d[MongoNames.Id].AsString),
        d[WebhookEndpoints.Url].AsString,
        d[WebhookEndpoints.EventTypes].AsBsonArray.Select(t => t.AsString).ToList(),
        d[WebhookEndpoints.Secret].AsString,
        d.GetValue(WebhookEndpoints.PreviousSecret, BsonNull.Value) is BsonString previous ? previous.Value : null,
        OptionalTime(d.GetValue(WebhookEndpoints.PreviousSecretExpiresAt, BsonNull.Value)),
        d[WebhookEndpoints.Enabled].AsBoolean,
        d.GetValue(WebhookEndpoints.DisabledReason, BsonNull.Value) is BsonString reason ? reason.Value : null,
        Time(d[WebhookEndpoints.CreatedAt]),
        OptionalTime(d.GetValue(WebhookEndpoints.FailingSince, BsonNull.Value)));

    /// <summary>A delivery added if absent: one fanned out again (after a crash before the cursor moved) keeps its state.</summary>
    public static UpdateOneModel<BsonDocument> AddDelivery(WebhookDelivery d) => new(
        new BsonDocument(MongoNames.Id, d.Id.ToString()),
        new BsonDocument("$setOnInsert", new BsonDocument
        {
            { WebhookDeliveries.EndpointId, d.EndpointId.ToString() },
            { WebhookDeliveries.EventId, d.EventId.ToString() },
            { WebhookDeliveries.Status, (int)d.Status },
            { WebhookDeliveries.Attempts, d.Attempts },
            { WebhookDeliveries.NextAttemptAt, Date(d.NextAttemptAt) },
            { WebhookDeliveries.LeasedUntil, Never },
            { WebhookDeliveries.CreatedAt, Date(d.CreatedAt) },
        }))
    { IsUpsert = true };

    /// <summary>The cursor only moves forward, as the embedded store's <c>MAX(after_seq, …)</c>.</summary>
    public static BsonDocument MoveFanOutCursor(long after) => new("$max", new BsonDocument(Counters.Value, after));

    /// <summary>
    /// Pending, due by the caller's schedule, owed to an enabled endpoint, and not leased to anyone now by the server's
    /// clock (<c>$$NOW</c>), so an instance whose clock runs ahead cannot take a delivery another one still holds.
    /// </summary>
    public static BsonDocument Due(DateTimeOffset dueBy, IEnumerable<string> enabledEndpoints) => new()
    {
        { WebhookDeliveries.Status, (int)DeliveryStatus.Pending },
        { WebhookDeliveries.NextAttemptAt, new BsonDocument("$lte", Date(dueBy)) },
        { WebhookDeliveries.EndpointId, new BsonDocument("$in", new BsonArray(enabledEndpoints)) },
        { "$expr", new BsonDocument("$lte", new BsonArray { "$" + WebhookDeliveries.LeasedUntil, "$$NOW" }) },
    };

    /// <summary>
    /// A claim: leased until <paramref name="leaseFor"/> after the server's now, under the next lease number (absent on a
    /// delivery never claimed, counted from 0).
    /// </summary>
    public static UpdateDefinition<BsonDocument> Claim(TimeSpan leaseFor) => new PipelineUpdateDefinition<BsonDocument>(new[]
    {
        new BsonDocument("$set", new BsonDocument
        {
            { WebhookDeliveries.LeasedUntil, LeaseEnd(leaseFor) },
            { WebhookDeliveries.Lease, new BsonDocument("$add", new BsonArray { new BsonDocument("$ifNull", new BsonArray { "$" + WebhookDeliveries.Lease, 0L }), 1L }) },
        }),
    });

    /// <summary>A renewal: the same lease number, leased until <paramref name="leaseFor"/> after the server's now.</summary>
    public static UpdateDefinition<BsonDocument> Renew(TimeSpan leaseFor) => new PipelineUpdateDefinition<BsonDocument>(new[]
    {
        new BsonDocument("$set", new BsonDocument(WebhookDeliveries.LeasedUntil, LeaseEnd(leaseFor))),
    });

    /// <summary>The delivery while <paramref name="lease"/> is its latest claim (and, for a renewal, while it is pending).</summary>
    public static BsonDocument Held(Guid deliveryId, long lease, bool pendingOnly)
    {
        var filter = new BsonDocument { { MongoNames.Id, deliveryId.ToString() }, { WebhookDeliveries.Lease, lease } };
        if (pendingOnly) filter[WebhookDeliveries.Status] = (int)DeliveryStatus.Pending;
        return filter;
    }

    private static BsonDocument LeaseEnd(TimeSpan leaseFor) => new("$add", new BsonArray { "$$NOW", (long)leaseFor.TotalMilliseconds });

    public static WebhookDelivery Delivery(BsonDocument d) => new(
        Guid.Parse(d[MongoNames.Id].AsString),
        Guid.Parse(d[WebhookDeliveries.EndpointId].AsString),
        Guid.Parse(d[WebhookDeliveries.EventId].AsString),
        (DeliveryStatus)d[WebhookDeliveries.Status].ToInt32(),
        d[WebhookDeliveries.Attempts].ToInt32(),
        Time(d[WebhookDeliveries.NextAttemptAt]),
        Time(d[WebhookDeliveries.CreatedAt]));

    /// <summary>The attempt's outcome; the lease is given back.</summary>
    public static BsonDocument AfterAttempt(int attempts, DeliveryStatus status, DateTimeOffset nextAttemptAt) => new("$set", new BsonDocument
    {
        { WebhookDeliveries.Status, (int)status },
        { WebhookDeliveries.Attempts, attempts },
        { WebhookDeliveries.NextAttemptAt, Date(nextAttemptAt) },
        { WebhookDeliveries.LeasedUntil, Never },
    });

    /// <summary>
    /// Only the fields a delivery decides, so an admin's edit made meanwhile (URL, types, secret) is kept: a delivery
    /// may disable the endpoint but never enable it, and gives a reason only when it has one.
    /// </summary>
    public static BsonDocument EndpointAfterAttempt(WebhookEndpoint endpoint)
    {
        var set = new BsonDocument(WebhookEndpoints.FailingSince, Date(endpoint.FailingSince));
        if (!endpoint.Enabled) set[WebhookEndpoints.Enabled] = false;
        if (endpoint.DisabledReason is { } reason) set[WebhookEndpoints.DisabledReason] = reason;
        return new BsonDocument("$set", set);
    }

    public static BsonDocument Attempt(DeliveryAttempt a) => new()
    {
        { WebhookAttempts.DeliveryId, a.DeliveryId.ToString() },
        { WebhookAttempts.EndpointId, a.EndpointId.ToString() },
        { WebhookAttempts.EventId, a.EventId.ToString() },
        { WebhookAttempts.Attempt, a.Attempt },
        { WebhookAttempts.At, Date(a.At) },
        { WebhookAttempts.StatusCode, (BsonValue?)a.StatusCode ?? BsonNull.Value },
        { WebhookAttempts.Error, (BsonValue?)a.Error ?? BsonNull.Value },
        { WebhookAttempts.DurationMs, a.DurationMs },
    };

    public static DeliveryAttempt ReadAttempt(BsonDocument d) => new(
        Guid.Parse(d[WebhookAttempts.DeliveryId].AsString),
        Guid.Parse(d[WebhookAttempts.EndpointId].AsString),
        Guid.Parse(d[WebhookAttempts.EventId].AsString),
        d[WebhookAttempts.Attempt].ToInt32(),
        Time(d[WebhookAttempts.At]),
        d.GetValue(WebhookAttempts.StatusCode, BsonNull.Value) is { IsBsonNull: false } code ? code.ToInt32() : null,
        d.GetValue(WebhookAttempts.Error, BsonNull.Value) is BsonString error ? error.Value : null,
        d[WebhookAttempts.DurationMs].ToDouble());

    private static BsonValue Date(DateTimeOffset? at) => at is { } t ? new BsonDateTime(t.UtcDateTime) : BsonNull.Value;

    private static DateTimeOffset Time(BsonValue value) => new(value.ToUniversalTime());

    private static DateTimeOffset? OptionalTime(BsonValue value) => value.IsBsonNull ? null : Time(value);
}
