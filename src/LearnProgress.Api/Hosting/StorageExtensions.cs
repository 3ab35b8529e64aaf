using LearnProgress.Api.Courses;
using LearnProgress.Core;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.DataRights;
using LearnProgress.Core.Flushing;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;
using LearnProgress.Redis;
using LearnProgress.Sqlite;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearnProgress.Api.Hosting;

public static class StorageExtensions
{
    /// <summary>
    /// Wires the ports. Without connection strings everything is embedded: Garnet in-process for the buffer and a
    /// SQLite file for the learning record, the catalog and the settings. <c>ConnectionStrings:Redis</c> swaps Garnet
    /// for that server, <c>ConnectionStrings:Mongo</c> SQLite for MongoDB.
    /// </summary>
    public static IHostApplicationBuilder AddBufferAndStore(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WriteBehindOptions>().BindConfiguration(WriteBehindOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CompletionOptions>().BindConfiguration(CompletionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new CompletionRule(sp.GetRequiredService<IOptions<CompletionOptions>>().Value.CoverageThreshold));

        var redis = builder.Configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(redis))
        {
            services.AddSingleton(sp => new EmbeddedGarnet(
                sp.GetRequiredService<IOptions<StorageOptions>>().Value.GarnetDirectory, sp.GetRequiredService<ILoggerFactory>()));
            services.AddSingleton<IConnectionMultiplexer>(sp =>
                ConnectionMultiplexer.Connect(sp.GetRequiredService<EmbeddedGarnet>().ConnectionString));
        }
        else
        {
            services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis));
        }

        services.AddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<WriteBehindOptions>>().Value.Buckets));
        services.AddSingleton<IProgressBuffer>(sp => new RedisProgressBuffer(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<RedisKeys>(),
            sp.GetRequiredService<IOptions<WriteBehindOptions>>().Value.FlushedKeyTtl,
            sp.GetRequiredService<TimeProvider>()));
        var mongo = builder.Configuration.GetConnectionString("Mongo");
        if (string.IsNullOrWhiteSpace(mongo))
        {
            services.AddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<IOptions<StorageOptions>>().Value.DatabasePath));
            services.AddSingleton<IProgressStore, SqliteProgressStore>();
            services.AddSingleton<ICourseCatalog, SqliteCourseCatalog>();
            services.AddSingleton<ILearnerSettings, SqliteLearnerSettings>();
            services.AddSingleton<ILearnerData, SqliteLearnerData>();
            services.AddSingleton<ICourseAnalyticsStore, SqliteCourseAnalytics>();
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

    private sealed class StorageWarmup(IProgressBuffer buffer, IProgressStore store) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await buffer.CheckAsync(cancellationToken);
            await store.CheckAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
