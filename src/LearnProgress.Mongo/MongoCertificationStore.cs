using System.Text.Json;
using LearnProgress.Core;
using LearnProgress.Core.Certifications;
using LearnProgress.Core.Events;
using MongoDB.Bson;
using MongoDB.Driver;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Mongo;

/// <summary>
/// Certifications, issued credentials and their status entries in MongoDB. A status index is taken from a counter with
/// one atomic <c>$inc</c>, so no two instances ever hand out the same one; the credential is then inserted as the
/// learner's current one, and a concurrent issue of the same certification collides on the unique partial index and
/// is answered the credential that won (the index it took stays unused, its entry unrevoked and owned by no one).
/// The credential's events travel inside its document (one write), are then inserted into the events collection by
/// their ids and removed from the document; a crash between leaves them in the document, and the learner's next issue
/// request (the retry of the one that got no answer) writes them, so none is lost or doubled.
/// </summary>
public sealed class MongoCertificationStore : ICertificationStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly FindOneAndUpdateOptions<BsonDocument> TakeOptions = new() { IsUpsert = true, ReturnDocument = ReturnDocument.After };

    private readonly IMongoCollection<BsonDocument> _certifications;
    private readonly IMongoCollection<BsonDocument> _credentials;
    private readonly IMongoCollection<BsonDocument> _status;
    private readonly IMongoCollection<BsonDocument> _counters;
    private readonly MongoEventWriter _events;

    public MongoCertificationStore(IMongoDatabase database)
    {
        var db = database.WithWriteConcern(Majority).WithReadConcern(ReadConcern.Majority);
        _certifications = db.GetCollection<BsonDocument>(Certifications.Collection);
        _credentials = db.GetCollection<BsonDocument>(Credentials.Collection);
        _status = db.GetCollection<BsonDocument>(CredentialStatus.Collection);
        _counters = db.GetCollection<BsonDocument>(Counters.Collection);
        _events = new MongoEventWriter(db);
    }

    public Task<bool> PutCertificationAsync(Certification certification, CancellationToken cancellationToken = default) => Guarded(async () =>
    {
        var result = await _certifications.ReplaceOneAsync(new BsonDocument(Id, certification.Id), CertificationDocument(certification),
            new ReplaceOptions { IsUpsert = true }, cancellationToken);
        return result.UpsertedId is not null;
    });

    public Task<Certification?> GetCertificationAsync(string certificationId, CancellationToken cancellationToken = default) => Guarded(async () =>
        await _certifications.Find(new BsonDocument(Id, certificationId)).FirstOrDefaultAsync(cancellationToken) is { } d
            ? MongoAssessmentStore.FromDocument<Certification>(d) : null);

    public Task<IReadOnlyList<Certification>> ListCertificationsAsync(CancellationToken cancellationToken = default) => Guarded(async () =>
        (IReadOnlyList<Certification>)(await _certifications.Find(new BsonDocument()).Sort(new BsonDocument(Id, 1)).ToListAsync(cancellationToken))
        .Select(MongoAssessmentStore.FromDocument<Certification>).ToList());

    public Task<CredentialIssue> IssueAsync(string userId, string certificationId, DateTimeOffset now, CredentialFactory issue,
        CancellationToken cancellationToken = default) => Guarded(async () =>
    {
        var currentFilter = new BsonDocument { { Credentials.UserId, userId }, { Credentials.CertificationId, certificationId }, { Credentials.Current, true } };
        for (var tries = 0; ; tries++)
        {
            if (await _credentials.Find(currentFilter).FirstOrDefaultAsync(cancellationToken) is { } held)
            {
                await PublishAsync(held, cancellationToken);
                var credential = await WithStatusAsync(held, cancellationToken);
                if (credential.IsCurrent(now)) return new CredentialIssue(credential, Created: false);
                // Expired or revoked: it stays in the learner's record but is no longer the one answered.
                await _credentials.UpdateOneAsync(new BsonDocument { { Id, held[Id] }, { Credentials.Current, true } },
                    new BsonDocument("$set", new BsonDocument(Credentials.Current, false)), cancellationToken: cancellationToken);
            }

            var index = await TakeStatusIndexAsync(cancellationToken);
            await _status.InsertOneAsync(new BsonDocument { { Id, index }, { CredentialStatus.Revoked, false } }, cancellationToken: cancellationToken);
            var plan = issue(Guid.NewGuid().ToString(), index);
            var document = CredentialDocument(plan.Credential, current: true, plan.Events);
            try
            {
                await _credentials.InsertOneAsync(document, cancellationToken: cancellationToken);
            }
            catch (MongoWriteException ex) when (ex.WriteConcernError is null && ex.WriteError?.Category == ServerErrorCategory.DuplicateKey && tries < 3)
            {
                // Another instance issued the learner's credential meanwhile: the next round answers that one.
                continue;
            }
            await PublishAsync(document, cancellationToken);
            return new CredentialIssue(plan.Credential, Created: true) { Events = plan.Events };
        }
    });

    /// <summary>Moves the events a credential document carries into the events collection (by id, so twice is once).</summary>
    private async Task PublishAsync(BsonDocument credential, CancellationToken cancellationToken)
    {
        if (!credential.TryGetValue(Credentials.PendingEvents, out var pending) || pending is not BsonArray { Count: > 0 } events) return;
        await _events.WriteAsync(events.Select(e => Event(e.AsBsonDocument)), cancellationToken);
        await _credentials.UpdateOneAsync(new BsonDocument(Id, credential[Id]),
            new BsonDocument("$unset", new BsonDocument(Credentials.PendingEvents, "")), cancellationToken: cancellationToken);
    }

    private static BsonDocument EventDocument(LearningEvent e) => new()
    {
        { "id", e.Id.ToString() }, { "type", e.Type }, { "timestamp", e.Timestamp.ToUnixTimeMilliseconds() }, { "userId", e.UserId }, { "data", e.Data },
    };

    private static LearningEvent Event(BsonDocument d) => new(Guid.Parse(d["id"].AsString), d["type"].AsString,
        DateTimeOffset.FromUnixTimeMilliseconds(d["timestamp"].ToInt64()), d["userId"].AsString, d["data"].AsString);

    public Task<IssuedCredential?> GetCredentialAsync(string credentialId, CancellationToken cancellationToken = default) => Guarded(async () =>
        await _credentials.Find(new BsonDocument(Id, credentialId)).FirstOrDefaultAsync(cancellationToken) is { } d
            ? await WithStatusAsync(d, cancellationToken) : null);

    public Task<IReadOnlyList<IssuedCredential>> ReadLearnerCredentialsAsync(string userId, CancellationToken cancellationToken = default) => Guarded(async () =>
    {
        var documents = await _credentials.Find(new BsonDocument(Credentials.UserId, userId))
            .Sort(new BsonDocument { { Credentials.IssuedAt, 1 }, { Id, 1 } }).ToListAsync(cancellationToken);
        var revoked = await RevokedAmongAsync(documents.Select(d => d[Credentials.StatusIndex].ToInt64()), cancellationToken);
        return (IReadOnlyList<IssuedCredential>)documents.Select(d => Credential(d, revoked.Contains(d[Credentials.StatusIndex].ToInt64()))).ToList();
    });

    public Task<IssuedCredential?> RevokeAsync(string credentialId, CancellationToken cancellationToken = default) => Guarded(async () =>
    {
        if (await _credentials.Find(new BsonDocument(Id, credentialId)).FirstOrDefaultAsync(cancellationToken) is not { } d) return null;
        await _status.UpdateOneAsync(new BsonDocument(Id, d[Credentials.StatusIndex].ToInt64()),
            new BsonDocument("$set", new BsonDocument(CredentialStatus.Revoked, true)), cancellationToken: cancellationToken);
        return (IssuedCredential?)Credential(d, revoked: true);
    });

    public Task<IReadOnlyList<long>> ReadRevokedAsync(long list, CancellationToken cancellationToken = default) => Guarded(async () =>
    {
        var first = StatusList.Global(list, 0);
        var filter = new BsonDocument
        {
            { Id, new BsonDocument { { "$gte", first }, { "$lt", first + StatusList.Length } } },
            { CredentialStatus.Revoked, true },
        };
        return (IReadOnlyList<long>)(await _status.Find(filter).Project(new BsonDocument(Id, 1)).ToListAsync(cancellationToken))
            .Select(d => d[Id].ToInt64() - first).Order().ToList();
    });

    public Task<bool?> IsRevokedAsync(long statusIndex, CancellationToken cancellationToken = default) => Guarded(async () =>
        await _status.Find(new BsonDocument(Id, statusIndex)).FirstOrDefaultAsync(cancellationToken) is { } d
            ? d[CredentialStatus.Revoked].AsBoolean : (bool?)null);

    public Task EraseLearnerAsync(string userId, CancellationToken cancellationToken = default) => Guarded(async () =>
    {
        var mine = new BsonDocument(Credentials.UserId, userId);
        var indexes = (await _credentials.Find(mine).Project(new BsonDocument(Credentials.StatusIndex, 1)).ToListAsync(cancellationToken))
            .Select(d => (BsonValue)d[Credentials.StatusIndex].ToInt64()).ToList();
        // Revoked first: a crash in between leaves the records for the next erase, never a credential that still verifies.
        if (indexes.Count > 0)
            await _status.UpdateManyAsync(new BsonDocument(Id, new BsonDocument("$in", new BsonArray(indexes))),
                new BsonDocument("$set", new BsonDocument(CredentialStatus.Revoked, true)), cancellationToken: cancellationToken);
        await _credentials.DeleteManyAsync(mine, cancellationToken);
        return true;
    });

    /// <summary>The next free status index, unique across instances: one atomic increment of the counter.</summary>
    private async Task<long> TakeStatusIndexAsync(CancellationToken cancellationToken)
    {
        var update = new BsonDocument("$inc", new BsonDocument(Counters.Value, 1L));
        try
        {
            var counter = await _counters.FindOneAndUpdateAsync(new BsonDocument(Id, CredentialStatus.Counter), update, TakeOptions, cancellationToken);
            return counter[Counters.Value].ToInt64() - 1;
        }
        catch (MongoCommandException ex) when (ex.Code == 11000)
        {
            // Two first upserts raced; the counter exists now, so the increment finds it.
            var counter = await _counters.FindOneAndUpdateAsync(new BsonDocument(Id, CredentialStatus.Counter), update, TakeOptions, cancellationToken);
            return counter[Counters.Value].ToInt64() - 1;
        }
    }

    private async Task<HashSet<long>> RevokedAmongAsync(IEnumerable<long> indexes, CancellationToken cancellationToken)
    {
        var wanted = new BsonArray(indexes.Select(i => (BsonValue)i));
        if (wanted.Count == 0) return [];
        return (await _status.Find(new BsonDocument { { Id, new BsonDocument("$in", wanted) }, { CredentialStatus.Revoked, true } })
                .Project(new BsonDocument(Id, 1)).ToListAsync(cancellationToken))
            .Select(d => d[Id].ToInt64()).ToHashSet();
    }

    private async Task<IssuedCredential> WithStatusAsync(BsonDocument document, CancellationToken cancellationToken) =>
        Credential(document, (await RevokedAmongAsync([document[Credentials.StatusIndex].ToInt64()], cancellationToken)).Count > 0);

    public static BsonDocument CertificationDocument(Certification certification)
    {
        var document = BsonDocument.Parse(JsonSerializer.Serialize(certification, Json));
        document.InsertAt(0, new BsonElement(Id, certification.Id));
        return document;
    }

    public static BsonDocument CredentialDocument(IssuedCredential credential, bool current, IReadOnlyList<LearningEvent>? events = null) => new()
    {
        { Id, credential.CredentialId },
        { Credentials.UserId, credential.UserId },
        { Credentials.CertificationId, credential.CertificationId },
        { Credentials.StatusIndex, credential.StatusIndex },
        { Credentials.IssuedAt, credential.IssuedAt.ToUnixTimeMilliseconds() },
        { Credentials.ValidUntil, credential.ValidUntil is { } until ? until.ToUnixTimeMilliseconds() : BsonNull.Value },
        { Credentials.Jwt, credential.Jwt },
        { Credentials.Current, current },
        { Credentials.PendingEvents, new BsonArray((events ?? []).Select(EventDocument)) },
    };

    public static IssuedCredential Credential(BsonDocument d, bool revoked) => new(
        d[Id].AsString, d[Credentials.UserId].AsString, d[Credentials.CertificationId].AsString, d[Credentials.StatusIndex].ToInt64(),
        DateTimeOffset.FromUnixTimeMilliseconds(d[Credentials.IssuedAt].ToInt64()),
        d[Credentials.ValidUntil].IsBsonNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(d[Credentials.ValidUntil].ToInt64()),
        d[Credentials.Jwt].AsString, revoked);

    private static async Task<T> Guarded<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (MongoProgressStore.IsUnavailable(ex))
        {
            throw new StoreUnavailableException($"MongoDB cannot take the call now: {ex.Message}", ex);
        }
    }
}
