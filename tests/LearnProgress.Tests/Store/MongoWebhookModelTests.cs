using LearnProgress.Core.Achievements;
using LearnProgress.Core.Webhooks;
using LearnProgress.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;

namespace LearnProgress.Tests.Store;

/// <summary>
/// The MongoDB webhook and achievement stores' documents, filters and updates rendered to BSON and compared whole:
/// what makes a fan-out safe to repeat, a claim exclusive and an attempt leave an admin's edit alone, without a server.
/// </summary>
public sealed class MongoWebhookModelTests
{
    private static readonly RenderArgs<BsonDocument> Args = new(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry);
    private static readonly DateTimeOffset At = new(2026, 5, 4, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid EndpointId = new("11111111-1111-1111-1111-111111111111");
    private static readonly Guid DeliveryId = new("22222222-2222-2222-2222-222222222222");
    private static readonly Guid EventId = new("33333333-3333-3333-3333-333333333333");

    private static string Exact(BsonValue value) => value.ToJson(new JsonWriterSettings { OutputMode = JsonOutputMode.CanonicalExtendedJson });

    private static void AssertBson(string expected, BsonValue actual) => Assert.Equal(Exact(BsonDocument.Parse(expected)), Exact(actual));

    private static WebhookEndpoint Endpoint() => new(EndpointId, "https://example.com/hook", ["lecture.completed"], "whsec_new", "whsec_old",
        At.AddDays(1), Enabled: true, DisabledReason: null, CreatedAt: At, FailingSince: null);

    [Fact]
    public void A_fan_out_adds_a_delivery_only_if_absent_so_fanning_out_again_keeps_its_state()
    {
        var model = WebhookModels.AddDelivery(new WebhookDelivery(DeliveryId, EndpointId, EventId, DeliveryStatus.Pending, 0, At, At));

        Assert.True(model.IsUpsert);
        AssertBson($$"""{ "_id": "{{DeliveryId}}" }""", model.Filter.Render(Args));
        AssertBson($$"""
            { "$setOnInsert": { "endpointId": "{{EndpointId}}", "eventId": "{{EventId}}", "status": 0, "attempts": 0,
                                "nextAttemptAt": { "$date": "2026-05-04T08:00:00Z" }, "leasedUntil": { "$date": "1970-01-01T00:00:00Z" },
                                "createdAt": { "$date": "2026-05-04T08:00:00Z" } } }
            """, model.Update.Render(Args));
    }

    [Fact]
    public void The_fan_out_cursor_only_moves_forward()
    {
        AssertBson("""{ "$max": { "value": NumberLong(42) } }""", WebhookModels.MoveFanOutCursor(42));
    }

    [Fact]
    public void A_claim_takes_only_a_pending_due_delivery_of_an_enabled_endpoint_whose_lease_has_lapsed_by_the_servers_clock()
    {
        AssertBson($$"""
            { "status": 0, "nextAttemptAt": { "$lte": { "$date": "2026-05-04T08:00:00Z" } }, "endpointId": { "$in": ["{{EndpointId}}"] },
              "$expr": { "$lte": ["$leasedUntil", "$$NOW"] } }
            """, WebhookModels.Due(At, [EndpointId.ToString()]));
        AssertBson("""
            { "u": [ { "$set": { "leasedUntil": { "$add": ["$$NOW", NumberLong(20000)] },
                                 "lease": { "$add": [ { "$ifNull": ["$lease", NumberLong(0)] }, NumberLong(1) ] } } } ] }
            """, new BsonDocument("u", WebhookModels.Claim(TimeSpan.FromSeconds(20)).Render(Args)));
    }

    [Fact]
    public void A_renewal_and_a_record_need_the_latest_claims_lease_number_and_a_renewal_sets_the_lease_by_the_servers_clock()
    {
        AssertBson($$"""{ "_id": "{{DeliveryId}}", "lease": NumberLong(7), "status": 0 }""", WebhookModels.Held(DeliveryId, 7, pendingOnly: true));
        AssertBson($$"""{ "_id": "{{DeliveryId}}", "lease": NumberLong(7) }""", WebhookModels.Held(DeliveryId, 7, pendingOnly: false));
        AssertBson("""{ "u": [ { "$set": { "leasedUntil": { "$add": ["$$NOW", NumberLong(6000)] } } } ] }""",
            new BsonDocument("u", WebhookModels.Renew(TimeSpan.FromSeconds(6)).Render(Args)));
    }

    [Fact]
    public void An_attempt_records_the_outcome_gives_the_lease_back_and_changes_only_what_a_delivery_decides_of_the_endpoint()
    {
        AssertBson("""
            { "$set": { "status": 0, "attempts": 2, "nextAttemptAt": { "$date": "2026-05-04T08:05:00Z" }, "leasedUntil": { "$date": "1970-01-01T00:00:00Z" } } }
            """, WebhookModels.AfterAttempt(2, DeliveryStatus.Pending, At.AddMinutes(5)));
        AssertBson("""{ "$set": { "failingSince": { "$date": "2026-05-04T08:00:00Z" } } }""",
            WebhookModels.EndpointAfterAttempt(Endpoint() with { FailingSince = At }));
        AssertBson("""{ "$set": { "failingSince": null, "enabled": false, "disabledReason": "410 Gone" } }""",
            WebhookModels.EndpointAfterAttempt(Endpoint() with { Enabled = false, DisabledReason = "410 Gone" }));
    }

    [Fact]
    public void Saving_an_endpoint_keeps_its_creation_time_and_reads_back_the_same()
    {
        var endpoint = Endpoint();
        var update = WebhookModels.SaveEndpoint(endpoint);

        AssertBson("""{ "createdAt": { "$date": "2026-05-04T08:00:00Z" } }""", update["$setOnInsert"]);
        var stored = update["$set"].AsBsonDocument.Merge(update["$setOnInsert"].AsBsonDocument);
        stored["_id"] = EndpointId.ToString();
        var read = WebhookModels.Endpoint(stored);
        Assert.Equal(endpoint with { EventTypes = [] }, read with { EventTypes = [] });
        Assert.Equal(endpoint.EventTypes, read.EventTypes);
    }

    [Fact]
    public void An_attempt_reads_back_as_written()
    {
        var attempt = new DeliveryAttempt(DeliveryId, EndpointId, EventId, 3, At, null, "No answer within 15 s", 15_000.5);
        var document = WebhookModels.Attempt(attempt);

        Assert.Equal(attempt, WebhookModels.ReadAttempt(document));
        Assert.Equal(BsonNull.Value, document["statusCode"]);
    }

    [Fact]
    public void An_award_names_the_learner_the_achievement_and_the_learners_day()
    {
        AssertBson("""{ "userId": "u1", "achievementId": "first-lecture", "day": "2026-07-01" }""",
            MongoAchievementStore.Award("u1", new EarnedAchievement("first-lecture", new DateOnly(2026, 7, 1))));
    }
}
