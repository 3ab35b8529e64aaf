using System.Collections.Concurrent;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver.Core.Configuration;
using MongoDB.Driver.Core.Events;

namespace LearnProgress.Tests.Infrastructure;

/// <summary>The commands a client sent (through the driver's command monitoring), to check the options they carried.</summary>
public sealed class MongoCommands
{
    private readonly ConcurrentQueue<BsonDocument> _sent = new();

    /// <summary>For <see cref="MongoServer.NewClient"/>. The event's document is only valid during the callback, so it is copied.</summary>
    public void Watch(ClusterBuilder cluster) =>
        cluster.Subscribe<CommandStartedEvent>(e => _sent.Enqueue(BsonSerializer.Deserialize<BsonDocument>(e.Command.ToBson())));

    public void Clear() => _sent.Clear();

    /// <summary>The commands of these names sent to <paramref name="collection"/> (a command names its collection first).</summary>
    public IReadOnlyList<BsonDocument> To(string collection, params string[] names) =>
        _sent.Where(c => names.Contains(c.GetElement(0).Name) && c[0] == collection).ToList();

    public IReadOnlyList<BsonDocument> Named(params string[] names) => _sent.Where(c => names.Contains(c.GetElement(0).Name)).ToList();
}
