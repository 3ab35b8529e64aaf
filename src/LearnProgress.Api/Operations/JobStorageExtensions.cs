using Hangfire;
using Hangfire.InMemory;
using Hangfire.Mongo;
using Hangfire.Mongo.Migration.Strategies;
using Hangfire.Mongo.Migration.Strategies.Backup;
using MongoDB.Driver;

namespace LearnProgress.Api.Operations;

public static class JobStorageExtensions
{
    /// <summary>
    /// In-memory jobs in the embedded mode (one process). With <c>ConnectionStrings:Mongo</c> the jobs live in MongoDB,
    /// so every instance shares one recurring schedule and one set of distributed locks.
    /// </summary>
    /// <remarks>
    /// Hangfire.Mongo's <c>MongoStorage</c> constructor pings the server (<c>CheckConnection</c>) and runs the
    /// migration unless <c>ByPassMigration</c> is set; otherwise it only keeps the client and the database
    /// (gottscj/Hangfire.Mongo, src/Hangfire.Mongo/MongoStorage.cs, and its <c>HangfireDbContext</c>). The storage
    /// the service resolves is built with both off, so it exists while MongoDB is away: the dashboard answers (503
    /// while MongoDB does) and the job client can be resolved. The migration runs when MongoDB is set up
    /// (<see cref="MigrateMongoJobStorage"/>), and the job server and the recurring jobs wait for that
    /// (<see cref="HangfireExtensions"/>), so nothing writes the job collections before they are migrated.
    /// </remarks>
    public static IServiceCollection AddJobStorage(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Mongo")))
            return services.AddSingleton<JobStorage>(_ => new InMemoryStorage());
        return services.AddSingleton<JobStorage>(sp =>
        {
            var options = MongoJobStorageOptions(new MongoUrl(configuration.GetConnectionString("Mongo")));
            options.CheckConnection = false;
            options.ByPassMigration = true;
            return new MongoStorage(sp.GetRequiredService<IMongoClient>(),
                sp.GetRequiredService<IMongoDatabase>().DatabaseNamespace.DatabaseName, options);
        });
    }

    /// <summary>Pings MongoDB and migrates the job collections (the constructor does both); throws while MongoDB is away.</summary>
    public static void MigrateMongoJobStorage(IMongoClient client, string databaseName, MongoUrl url) =>
        _ = new MongoStorage(client, databaseName, MongoJobStorageOptions(url));

    public static MongoStorageOptions MongoJobStorageOptions(MongoUrl url) => new()
    {
        MigrationOptions = new MongoMigrationOptions
        {
            // An upgrade of Hangfire.Mongo migrates the job collections in place after copying them aside; the
            // default strategy would throw, and the drop strategy would lose the jobs.
            MigrationStrategy = new MigrateMongoMigrationStrategy(),
            BackupStrategy = new CollectionMongoBackupStrategy(),
        },
        CheckConnection = true,
        // Watch opens a change stream on the job collection (MongoJobQueueWatcher), which only a replica set (or a
        // sharded cluster) has; on a single node without one the stream fails, so it tails the capped notifications
        // collection instead (MongoNotificationObserver). Both still poll every QueuePollInterval as a fallback.
        CheckQueuedJobsStrategy = url.ReplicaSetName is null ? CheckQueuedJobsStrategy.TailNotificationsCollection : CheckQueuedJobsStrategy.Watch,
    };
}
