using LearnProgress.Api.Courses;
using LearnProgress.Core;
using LearnProgress.Core.Achievements;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.DataRights;
using LearnProgress.Core.Events;
using LearnProgress.Core.Flushing;
using LearnProgress.Core.Leaderboards;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;
using LearnProgress.Core.Webhooks;
using LearnProgress.Redis;
using LearnProgress.Sqlite;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearnProgress.Api.Hosting;

public static partial class StorageExtensions
{
    /// <summary>
    /// Wires the ports. Without connection strings everything is embedded: Garnet in-process for the buffer and a
    /// SQLite file for the learning record, the catalog, the settings, the event log, webhooks and achievements.
    /// <c>ConnectionStrings:Redis</c> swaps Garnet
    /// for that server, <c>ConnectionStrings:Mongo</c> SQLite for MongoDB.
    /// </summary>
    public static IHostApplicationBuilder AddBufferAndStore(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var redis = builder.Configuration.GetConnectionString("Redis");
        services.AddOptions<WriteBehindOptions>().BindConfiguration(WriteBehindOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.WaitReplicas == 0 || !string.IsNullOrWhiteSpace(redis),
                "WriteBehind:WaitReplicas needs ConnectionStrings:Redis: the embedded buffer (Garnet in-process) has no replicas.")
            .ValidateOnStart();
        services.AddOptions<CompletionOptions>().BindConfiguration(CompletionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new CompletionRule(sp.GetRequiredService<IOptions<CompletionOptions>>().Value.CoverageThreshold));

        if (string.IsNullOrWhiteSpace(redis))
        {
            services.AddSingleton(sp =>
            {
                var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
                return new EmbeddedGarnet(storage.GarnetDirectory, sp.GetRequiredService<ILoggerFactory>(),
                    new EmbeddedGarnetSettings(storage.CheckpointInterval, (long)storage.AofSizeLimitMegabytes << 20) { SyncToDisk = storage.SyncToDisk });
            });
            services.AddSingleton<IConnectionMultiplexer>(sp =>
                ConnectionMultiplexer.Connect(BufferConnection(sp.GetRequiredService<EmbeddedGarnet>().ConnectionString)));
        }
        else
        {
            services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(BufferConnection(redis)));
        }

        services.AddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<WriteBehindOptions>>().Value.Buckets));
        services.AddSingleton<IProgressBuffer>(sp =>
        {
            var writeBehind = sp.GetRequiredService<IOptions<WriteBehindOptions>>().Value;
            return new RedisProgressBuffer(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisKeys>(),
                writeBehind.FlushedKeyTtl, sp.GetRequiredService<TimeProvider>(), new ReplicaAcks(writeBehind.WaitReplicas, writeBehind.WaitTimeout),
                commitAof: string.IsNullOrWhiteSpace(redis), syncToDisk: string.IsNullOrWhiteSpace(redis) ? sp.GetRequiredService<EmbeddedGarnet>().CommitToDisk : null);
        });
        services.AddSingleton<ILearnerZoneCache>(sp => new RedisLearnerZones(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisKeys>()));
        services.AddSingleton<ILeaderboards>(sp => new RedisLeaderboards(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisKeys>()));
        var mongo = builder.Configuration.GetConnectionString("Mongo");
        if (string.IsNullOrWhiteSpace(mongo))
        {
            services.AddSingleton(sp =>
            {
                var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
                return new SqliteDatabase(storage.DatabasePath, storage.SyncToDisk);
            });
            services.AddSingleton<IProgressStore, SqliteProgressStore>();
            services.AddSingleton<ICourseCatalog, SqliteCourseCatalog>();
            services.AddSingleton<ILearnerSettings, SqliteLearnerSettings>();
            services.AddSingleton<ILearnerData, SqliteLearnerData>();
            services.AddSingleton<ICourseAnalyticsStore, SqliteCourseAnalytics>();
            services.AddSingleton<IEventLog, SqliteEventLog>();
            services.AddSingleton<IWebhookStore, SqliteWebhookStore>();
            services.AddSingleton<IAchievementStore, SqliteAchievementStore>();
            services.AddSingleton<IScheduledEvents, SqliteScheduledEvents>();
            services.AddSingleton<IAssessmentStore, SqliteAssessmentStore>();
            services.AddSingleton<ICertificationStore, SqliteCertificationStore>();
            // The schema is made when the file opens.
            services.AddSingleton(new StoreSetup(complete: true));
        }
        else
        {
            services.AddMongoStore(mongo);
        }

        // The rules of the learning record, above both ports.
        services.AddSingleton<RecordPlanner>();
        services.AddSingleton<RecordWriter>();
        services.AddSingleton<LearningRecord>();
        services.AddSingleton<ICourseLookup>(sp => sp.GetRequiredService<CatalogCache>());
        services.AddSingleton<WriteBehindFlusher>();
        services.AddSingleton<LearnerDataRights>();
        services.AddSingleton<CourseAnalyticsRefresher>();

        // Brings the buffer (and its AOF recovery) and the store up before the first request, not on it.
        services.AddHostedService<StorageWarmup>();
        return builder;
    }

    /// <summary>
    /// An outage of the buffer must be answered, not waited out: the service starts while Redis is down and
    /// reconnects on its own (abortConnect=false), and while no connection is up a command fails at once
    /// (<see cref="BacklogPolicy.FailFast"/>) instead of queueing for the whole timeout, so a ping gets its 503 with
    /// Retry-After in milliseconds. A Redis that accepts the connection but does not answer fails a command after
    /// the timeout, two seconds unless the connection string sets <c>asyncTimeout</c>/<c>syncTimeout</c>.
    /// </summary>
    internal static ConfigurationOptions BufferConnection(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        if (!connectionString.Contains("asyncTimeout", StringComparison.OrdinalIgnoreCase)) options.AsyncTimeout = 2_000;
        if (!connectionString.Contains("syncTimeout", StringComparison.OrdinalIgnoreCase)) options.SyncTimeout = 2_000;
        if (!connectionString.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase)) options.ConnectTimeout = 2_000;
        return options;
    }

    private sealed partial class StorageWarmup(IProgressBuffer buffer, IProgressStore store, StoreSetup setup, ILogger<StorageWarmup> logger)
        : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            // Resolving the buffer starts the embedded Garnet (and its recovery) here rather than on the first request.
            // A dependency that is down does not stop the start: /health/ready says not ready until it answers.
            try
            {
                await buffer.CheckAsync(cancellationToken);
            }
            catch (Exception ex) when (Dependencies.Unavailable(ex) is not null)
            {
                LogBufferDown(logger, ex);
            }
            // A store whose set-up failed just now did not answer; asking again would only hold the start up longer.
            if (!setup.IsComplete) return;
            try
            {
                await store.CheckAsync(cancellationToken);
            }
            catch (Exception ex) when (Dependencies.Unavailable(ex) is not null)
            {
                LogStoreDown(logger, ex);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(LogLevel.Warning, "The progress buffer (Redis) cannot be reached; the service starts unready and reconnects when it returns")]
        private static partial void LogBufferDown(ILogger logger, Exception exception);

        [LoggerMessage(LogLevel.Warning, "The store cannot be reached; the service starts unready until it answers")]
        private static partial void LogStoreDown(ILogger logger, Exception exception);
    }
}
