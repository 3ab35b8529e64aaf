using LearnProgress.Core.Progress;
using LearnProgress.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Configuration;
using Testcontainers.MongoDb;

[assembly: AssemblyFixture(typeof(LearnProgress.Tests.Infrastructure.MongoServer))]

namespace LearnProgress.Tests.Infrastructure;

/// <summary>
/// One MongoDB for the test run: MONGODB_URI when set, else a single-node replica set in a Testcontainers container
/// when a Docker engine answers. MongoDB is not something the test command can install, so a missing one is a skip
/// with the reason, in CI too; a MONGODB_URI that does not answer fails there. Every user of it gets a database of its own.
/// </summary>
public sealed class MongoServer : IAsyncLifetime
{
    private const string ReplicaSet = "rs0";
    private readonly List<string> _databases = [];
    private MongoDbContainer? _container;
    private MongoClient? _client;
    private string? _unavailable;
    private bool _replicaSet;
    private RecordHarness? _record;

    public string ConnectionString { get; private set; } = "";

    public bool Available => _unavailable is null;

    public void Require()
    {
        // A MongoDB that was named must answer in CI; one that nobody provided is a skip there too.
        if (_unavailable is not null)
            ServerRequirement.Unavailable(_unavailable, requiredInCi: !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MONGODB_URI")));
    }

    /// <summary>
    /// For tests of what a replica set answers (a write concern it cannot satisfy, majority reads); the run's servers
    /// are one (Testcontainers' replica set, the workflow's <c>mongod --replSet</c>), a standalone MONGODB_URI is not.
    /// </summary>
    public void RequireReplicaSet()
    {
        Require();
        if (!_replicaSet)
            ServerRequirement.Unavailable($"MongoDB at {new MongoUrl(ConnectionString).Server} is not a replica set member.");
    }

    /// <summary>A client of the test's own on the run's MongoDB, e.g. to watch the commands it sends.</summary>
    public MongoClient NewClient(Action<ClusterBuilder>? cluster = null)
    {
        Require();
        var settings = MongoClientSettings.FromConnectionString(ConnectionString);
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(10);
        if (cluster is not null) settings.ClusterConfigurator = cluster;
        return new MongoClient(settings);
    }

    /// <summary>The store's ports on a database shared by the store contract's tests (their ids are unique).</summary>
    public RecordHarness Record
    {
        get
        {
            Require();
            return _record!;
        }
    }

    public async ValueTask InitializeAsync()
    {
        var uri = Environment.GetEnvironmentVariable("MONGODB_URI");
        if (string.IsNullOrEmpty(uri))
        {
            var (container, failure) = await Containers.TryStartAsync(() => new MongoDbBuilder("mongo:8.0").WithReplicaSet(ReplicaSet).Build());
            if (container is null)
            {
                _unavailable = $"MongoDB unavailable: MONGODB_URI is not set and {failure}";
                return;
            }
            _container = container;
            // Testcontainers connects directly (the member's address is the container's own, not the mapped port) and
            // leaves the set unnamed; named, the service takes the replica-set paths production takes (change streams).
            uri = new MongoUrlBuilder(container.GetConnectionString()) { ReplicaSetName = ReplicaSet }.ToString();
        }
        ConnectionString = uri;
        var settings = MongoClientSettings.FromConnectionString(uri);
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(10);
        try
        {
            _client = new MongoClient(settings);
            var hello = await _client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1));
            _replicaSet = hello.Contains("setName");
            var database = NewDatabaseName();
            var store = new MongoProgressStore(_client.GetDatabase(database));
            await store.CreateIndexesAsync();
            _record = new RecordHarness(store, new MongoCourseCatalog(_client.GetDatabase(database)), new MongoLearnerSettings(_client.GetDatabase(database)));
        }
        catch (Exception ex) when (ex is TimeoutException or MongoException)
        {
            var why = ex is TimeoutException ? $"no answer within {settings.ServerSelectionTimeout.TotalSeconds} s" : ex.Message.Split('\n', 2)[0];
            _unavailable = $"MongoDB at {new MongoUrl(uri).Server} (MONGODB_URI or its container) is unavailable: {why}";
        }
    }

    /// <summary>A connection string naming a fresh database; credentials keep authenticating where they did.</summary>
    public string ConnectionStringForNewDatabase()
    {
        var url = new MongoUrlBuilder(ConnectionString);
        if (url.Username is not null && url.AuthenticationSource is null)
            url.AuthenticationSource = url.DatabaseName ?? "admin";
        url.DatabaseName = NewDatabaseName();
        return url.ToString();
    }

    public string NewDatabaseName()
    {
        var name = Unique.Id("lp-tests");
        lock (_databases) _databases.Add(name);
        return name;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null && _container is null)
            foreach (var database in _databases)
                await _client.DropDatabaseAsync(database);
        _client?.Dispose();
        if (_container is not null) await _container.DisposeAsync();
    }
}
