using System.Net;
using System.Reflection;
using LearnProgress.Api.Hosting;
using LearnProgress.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Clusters;
using MongoDB.Driver.Core.Connections;
using MongoDB.Driver.Core.Servers;

namespace LearnProgress.Tests.Store;

/// <summary>
/// Which MongoDB errors mean "cannot take a write now", on the shapes the driver builds; they need no server. A majority
/// not reached reaches the store as a command's <see cref="MongoWriteConcernException"/>, or as the WriteConcernError of
/// a bulk write and of a single-document write (mongo-csharp-driver: Core/Operations/BulkUnmixedWriteOperationBase.cs,
/// MongoCollectionBase.cs). The driver keeps the error details' constructors internal, so they are built by reflection.
/// </summary>
public sealed class MongoUnavailableTests
{
    private static readonly ConnectionId Connection = new(new ServerId(new ClusterId(), new DnsEndPoint("db.example", 27017)));

    private static T Internal<T>(params object?[] arguments) =>
        (T)Activator.CreateInstance(typeof(T), BindingFlags.Instance | BindingFlags.NonPublic, null, arguments, null)!;

    private static WriteConcernError Timeout() =>
        Internal<WriteConcernError>(64, "WriteConcernFailed", "waiting for replication timed out",
            new BsonDocument("wtimeout", true), Array.Empty<string>());

    private static BulkWriteError Duplicate() =>
        Internal<BulkWriteError>(0, ServerErrorCategory.DuplicateKey, 11000, "E11000 duplicate key error", new BsonDocument());

    private static MongoBulkWriteException<BsonDocument> Bulk(WriteConcernError? concern, params BulkWriteError[] errors) =>
        new(Connection, new BulkWriteResult<BsonDocument>.Acknowledged(1, 0, 0, 0, 0, [], []), errors, concern, []);

    public static TheoryData<string> MajorityNotReached => ["bulk write", "single-document write", "command"];

    private static Exception Shape(string shape) => shape switch
    {
        "bulk write" => Bulk(Timeout()),
        "single-document write" => new MongoWriteException(Connection, null, Timeout(), Bulk(Timeout())),
        _ => new MongoWriteConcernException(Connection, "waiting for replication timed out", new WriteConcernResult(new BsonDocument
        {
            { "ok", 1 }, { "writeConcernError", new BsonDocument { { "code", 64 }, { "errmsg", "waiting for replication timed out" } } },
        })),
    };

    [Theory]
    [MemberData(nameof(MajorityNotReached))]
    public void A_majority_not_reached_is_the_store_being_unavailable_whatever_the_shape(string shape)
    {
        var error = Shape(shape);

        Assert.True(MongoProgressStore.IsUnavailable(error), $"{error.GetType().Name}: {error.Message}");
        Assert.Equal(Dependency.Store, Dependencies.Unavailable(new InvalidOperationException("wrapped", error)));
    }

    [Fact]
    public void A_write_error_beside_a_majority_not_reached_is_still_unavailable()
    {
        // The write was not confirmed either way: the whole work is retried, not one learner held back.
        Assert.True(MongoProgressStore.IsUnavailable(Bulk(Timeout(), Duplicate())));
    }

    [Fact]
    public void A_write_the_server_refused_for_its_data_is_not_unavailable()
    {
        var bulk = Bulk(null, Duplicate());
        var single = new MongoWriteException(Connection, Internal<WriteError>(ServerErrorCategory.DuplicateKey, 11000, "E11000", new BsonDocument()), null, bulk);

        Assert.False(MongoProgressStore.IsUnavailable(bulk));
        Assert.False(MongoProgressStore.IsUnavailable(single));
        Assert.Null(Dependencies.Unavailable(single));
    }
}
