using System.Text.Json;
using LearnProgress.Core.Certifications;
using LearnProgress.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace LearnProgress.Tests.Store;

/// <summary>How certifications and credentials are laid out as MongoDB documents, checked without a server.</summary>
public sealed class MongoCertificationDocumentTests
{
    [Fact]
    public void A_certification_is_keyed_by_its_id_and_reads_back_as_written()
    {
        var certification = new Certification("cert-1", "T", "D", "C", new CertificationRequirements(
            [new CourseRequirement("c1", 80)], [new QuizRequirement("c1", "q1", 70)], [new SkillRequirement("s1", 0.9)]), 30);
        var document = MongoCertificationStore.CertificationDocument(certification);
        Assert.Equal("cert-1", document["_id"].AsString);
        Assert.False(document["requirements"].AsBsonDocument.Contains("count"));
        Assert.Equal(JsonSerializer.Serialize(certification),
            JsonSerializer.Serialize(MongoAssessmentStore.FromDocument<Certification>(document)));
    }

    [Fact]
    public void A_credential_document_carries_its_events_and_reads_back_as_issued()
    {
        var credential = new IssuedCredential(Guid.NewGuid().ToString(), "u-1", "cert-1", 42, DateTimeOffset.FromUnixTimeSeconds(1_772_000_000),
            DateTimeOffset.FromUnixTimeSeconds(1_772_086_400), "header.payload.signature", Revoked: false);
        var plan = CredentialEvents.Plan(credential);
        var document = MongoCertificationStore.CredentialDocument(credential, current: true, plan.Events);

        Assert.Equal(credential.CredentialId, document["_id"].AsString);
        Assert.Equal(42L, document["statusIndex"].AsInt64);
        Assert.True(document["current"].AsBoolean);
        var pending = Assert.Single(document["pendingEvents"].AsBsonArray).AsBsonDocument;
        Assert.Equal(plan.Events[0].Id.ToString(), pending["id"].AsString);
        Assert.Equal("credential.issued", pending["type"].AsString);
        Assert.Equal(credential, MongoCertificationStore.Credential(document, revoked: false));
        Assert.True(MongoCertificationStore.Credential(document, revoked: true).Revoked);
    }

    [Fact]
    public void One_current_credential_per_learner_and_certification_is_what_the_unique_partial_index_holds()
    {
        var model = MongoIndexes.CurrentCredential;
        var options = Assert.IsType<MongoDB.Driver.CreateIndexOptions<BsonDocument>>(model.Options);
        Assert.True(options.Unique);
        var filter = options.PartialFilterExpression.Render(new MongoDB.Driver.RenderArgs<BsonDocument>(
            BsonSerializer.SerializerRegistry.GetSerializer<BsonDocument>(), BsonSerializer.SerializerRegistry));
        Assert.Equal(new BsonDocument("current", true), filter);
        Assert.True(MongoIndexes.CredentialsByStatusIndex.Options.Unique);
    }
}
