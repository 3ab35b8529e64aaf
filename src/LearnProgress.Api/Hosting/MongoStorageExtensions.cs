using LearnProgress.Core;
using LearnProgress.Core.Achievements;
using LearnProgress.Core.Events;
using LearnProgress.Core.Webhooks;
using LearnProgress.Mongo;
using MongoDB.Driver;

namespace LearnProgress.Api.Hosting;

public static class MongoStorageExtensions
{
    public const string DefaultDatabase = "learnprogress";

    /// <summary>
    /// The production store: MongoDB at <c>ConnectionStrings:Mongo</c>, database named by the connection string's path
    /// (default <c>learnprogress</c>). Hangfire's jobs live in the same database (see <c>AddJobStorage</c>).
    /// </summary>
    public static IServiceCollection AddMongoStore(this IServiceCollection services, string connectionString)
    {
        MongoUrl url;
        try
        {
            url = new MongoUrl(connectionString);
        }
        catch (MongoConfigurationException ex)
        {
            throw new InvalidOperationException($"ConnectionStrings:Mongo is not a valid MongoDB connection string: {ex.Message}", ex);
        }
        services.AddSingleton<IMongoClient>(_ => new MongoClient(ClientSettings(url)));
        services.AddSingleton(sp => sp.GetRequiredService<IMongoClient>().GetDatabase(url.DatabaseName ?? DefaultDatabase));
        services.AddSingleton(sp => new MongoProgressStore(sp.GetRequiredService<IMongoDatabase>()));
        services.AddSingleton<IProgressStore>(sp => sp.GetRequiredService<MongoProgressStore>());
        services.AddSingleton<ICourseCatalog, MongoCourseCatalog>();
        services.AddSingleton<ILearnerSettings, MongoLearnerSettings>();
        services.AddSingleton<ILearnerData, MongoLearnerData>();
        services.AddSingleton<LearnProgress.Core.Analytics.ICourseAnalyticsStore, MongoCourseAnalytics>();
        services.AddSingleton<IEventLog, MongoEventLog>();
        services.AddSingleton<IWebhookStore, MongoWebhookStore>();
        services.AddSingleton<IAchievementStore, MongoAchievementStore>();
        services.AddSingleton<IAssessmentStore, MongoAssessmentStore>();
        // Before any write: a guarded upsert relies on the unique indexes to collide instead of inserting a duplicate.
        services.AddHostedService<MongoIndexSetup>();
        return services;
    }

    /// <summary>
    /// Bounded waits on every call: finding a server, connecting, and a socket that stops answering. With the write
    /// concern's own timeout (<see cref="MongoNames.Majority"/>) no store call hangs.
    /// </summary>
    public static MongoClientSettings ClientSettings(MongoUrl url)
    {
        var settings = MongoClientSettings.FromUrl(url);
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(5);
        settings.ConnectTimeout = TimeSpan.FromSeconds(5);
        settings.SocketTimeout = TimeSpan.FromSeconds(30);
        return settings;
    }

    private sealed class MongoIndexSetup(MongoProgressStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.CreateIndexesAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
