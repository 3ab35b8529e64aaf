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
    public static IServiceCollection AddJobStorage(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Mongo")))
            return services.AddSingleton<JobStorage>(_ => new InMemoryStorage());
        return services.AddSingleton<JobStorage>(sp => new MongoStorage(
            sp.GetRequiredService<IMongoClient>(),
            sp.GetRequiredService<IMongoDatabase>().DatabaseNamespace.DatabaseName,
            MongoJobStorageOptions(new MongoUrl(configuration.GetConnectionString("Mongo")))));
    }

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
        // A replica set has change streams, which notice queued jobs without a capped collection to tail; a single
        // node without a replica set has none, and tails the notifications collection instead.
        CheckQueuedJobsStrategy = url.ReplicaSetName is null ? CheckQueuedJobsStrategy.TailNotificationsCollection : CheckQueuedJobsStrategy.Watch,
    };
}
