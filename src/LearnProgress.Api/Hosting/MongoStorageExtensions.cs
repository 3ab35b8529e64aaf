using LearnProgress.Api.Operations;
using LearnProgress.Core;
using LearnProgress.Core.Achievements;
using LearnProgress.Core.Events;
using LearnProgress.Core.Record;
using LearnProgress.Core.Webhooks;
using LearnProgress.Mongo;
using MongoDB.Driver;

namespace LearnProgress.Api.Hosting;

public static partial class MongoStorageExtensions
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
        services.AddSingleton<IProgressStore>(sp => new SetUpProgressStore(sp.GetRequiredService<MongoProgressStore>(), sp.GetRequiredService<StoreSetup>()));
        services.AddSingleton<ICourseCatalog, MongoCourseCatalog>();
        services.AddSingleton<ILearnerSettings, MongoLearnerSettings>();
        services.AddSingleton<ILearnerData, MongoLearnerData>();
        services.AddSingleton<LearnProgress.Core.Analytics.ICourseAnalyticsStore, MongoCourseAnalytics>();
        services.AddSingleton<IEventLog, MongoEventLog>();
        services.AddSingleton<IWebhookStore, MongoWebhookStore>();
        services.AddSingleton<MongoAchievementStore>();
        services.AddSingleton<IAchievementStore>(sp => new SetUpAchievementStore(sp.GetRequiredService<MongoAchievementStore>(), sp.GetRequiredService<StoreSetup>()));
        services.AddSingleton<IScheduledEvents, MongoScheduledEvents>();
        services.AddSingleton(new StoreSetup(complete: false));
        // Attempts are keyed by their _id, unique without any index being set up, so this store needs no wait for set-up.
        services.AddSingleton<IAssessmentStore, MongoAssessmentStore>();
        services.AddSingleton<MongoCertificationStore>();
        services.AddSingleton<ICertificationStore>(sp => new SetUpCertificationStore(sp.GetRequiredService<MongoCertificationStore>(), sp.GetRequiredService<StoreSetup>()));
        services.AddHostedService(sp => new MongoStartup(sp.GetRequiredService<MongoProgressStore>(), sp.GetRequiredService<IMongoClient>(),
            sp.GetRequiredService<IMongoDatabase>(), url, sp.GetRequiredService<StoreSetup>(),
            sp.GetRequiredService<ILogger<MongoStartup>>()));
        return services;
    }

    /// <summary>
    /// Bounded waits on every call: finding a server, connecting, and a socket that stops answering. With the write
    /// concern's own timeout (<see cref="MongoNames.Majority"/>) no store call hangs. A bound the connection string
    /// sets itself (<c>serverSelectionTimeoutMS</c>, <c>connectTimeoutMS</c>, <c>socketTimeoutMS</c>) is kept.
    /// </summary>
    public static MongoClientSettings ClientSettings(MongoUrl url)
    {
        var settings = MongoClientSettings.FromUrl(url);
        // The parsed URL writes back only the options the connection string named, e.g. serverSelectionTimeout=500ms.
        var named = url.ToString();
        if (!named.Contains("serverSelectionTimeout", StringComparison.OrdinalIgnoreCase)) settings.ServerSelectionTimeout = TimeSpan.FromSeconds(5);
        if (!named.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase)) settings.ConnectTimeout = TimeSpan.FromSeconds(5);
        if (!named.Contains("socketTimeout", StringComparison.OrdinalIgnoreCase)) settings.SocketTimeout = TimeSpan.FromSeconds(30);
        return settings;
    }

    /// <summary>
    /// Sets MongoDB up for writing: the store's indexes (before any write: a guarded upsert relies on the unique
    /// indexes to collide instead of inserting a duplicate) and Hangfire.Mongo's migration of its collections. Like
    /// Redis, MongoDB may be down when the service starts: one attempt is made during start-up, so with MongoDB up
    /// the service accepts requests only once set up, as before; when it fails the service starts anyway, unready,
    /// and tries again in the background, waiting twice as long each time up to <see cref="MaxRetryDelay"/> (on the
    /// wall clock: an injected clock that stands still must not hold recovery back).
    /// </summary>
    private sealed partial class MongoStartup(
        MongoProgressStore store, IMongoClient client, IMongoDatabase database, MongoUrl url, StoreSetup setup,
        ILogger<MongoStartup> logger) : IHostedService, IDisposable
    {
        public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
        public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

        private readonly CancellationTokenSource _stopping = new();
        private Task _retries = Task.CompletedTask;
        private bool _disposed;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (await TrySetUpAsync(attempt: 1, cancellationToken)) return;
            _retries = RetryAsync(_stopping.Token);
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            // WebApplicationFactory may stop a host again after disposing it (dotnet/aspnetcore#40271).
            if (_disposed) return;
            await _stopping.CancelAsync();
            await _retries.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        public void Dispose()
        {
            _disposed = true;
            _stopping.Dispose();
        }

        private async Task RetryAsync(CancellationToken stopping)
        {
            var delay = FirstRetryDelay;
            for (var attempt = 2; ; attempt++)
            {
                try
                {
                    await Task.Delay(delay, stopping);
                    if (await TrySetUpAsync(attempt, stopping)) return;
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                delay = delay * 2 < MaxRetryDelay ? delay * 2 : MaxRetryDelay;
            }
        }

        private async Task<bool> TrySetUpAsync(int attempt, CancellationToken cancellationToken)
        {
            try
            {
                await store.CreateIndexesAsync(cancellationToken);
                // Hangfire.Mongo pings and migrates in MongoStorage's constructor, synchronously and without a token; a
                // stop does not wait for it.
                await Task.Run(() => JobStorageExtensions.MigrateMongoJobStorage(client, database.DatabaseNamespace.DatabaseName, url),
                    cancellationToken).WaitAsync(cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Any failure is retried, not only an unreachable server: a user or a role that is not there yet, or a
                // migration lock held by an instance that died, clears up without a restart too. The log says why.
                setup.Failed(ex.Message);
                LogNotSetUp(logger, attempt, ex);
                return false;
            }
            setup.Complete();
            if (attempt > 1) LogSetUp(logger, attempt);
            return true;
        }

        [LoggerMessage(LogLevel.Warning,
            "MongoDB could not be set up (attempt {Attempt}); the service stays unready and tries again in the background")]
        private static partial void LogNotSetUp(ILogger logger, int attempt, Exception exception);

        [LoggerMessage(LogLevel.Information, "MongoDB answered and is set up (attempt {Attempt}); the service is ready")]
        private static partial void LogSetUp(ILogger logger, int attempt);
    }

    /// <summary>Writes that rely on the unique indexes (flushes, completions) wait for the set-up that makes them.</summary>
    private sealed class SetUpProgressStore(MongoProgressStore inner, StoreSetup setup) : IProgressStore
    {
        public Task<RecordPlan> ApplyAsync(RecordChange change, Func<StoredState, RecordPlan> plan, CancellationToken cancellationToken = default)
        {
            setup.ThrowIfIncomplete();
            return inner.ApplyAsync(change, plan, cancellationToken);
        }

        public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, StoredLecture>>> ReadLecturesAsync(
            string userId, IReadOnlyCollection<string> courseIds, CancellationToken cancellationToken = default) =>
            inner.ReadLecturesAsync(userId, courseIds, cancellationToken);

        public Task<IReadOnlyList<StoredDay>> ReadDaysAsync(string userId, DateOnly first, DateOnly last, CancellationToken cancellationToken = default) =>
            inner.ReadDaysAsync(userId, first, last, cancellationToken);

        public Task<LearnerSummary> ReadSummaryAsync(string userId, DateOnly runsEndingFrom, CancellationToken cancellationToken = default) =>
            inner.ReadSummaryAsync(userId, runsEndingFrom, cancellationToken);

        public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadCompletedLecturesAsync(string userId, CancellationToken cancellationToken = default) =>
            inner.ReadCompletedLecturesAsync(userId, cancellationToken);

        public Task CheckAsync(CancellationToken cancellationToken = default) => inner.CheckAsync(cancellationToken);
    }

    /// <summary>A second current credential collides with the unique partial index; without it a second one could be inserted.</summary>
    private sealed class SetUpCertificationStore(MongoCertificationStore inner, StoreSetup setup) : ICertificationStore
    {
        public Task<bool> PutCertificationAsync(LearnProgress.Core.Certifications.Certification certification, CancellationToken cancellationToken = default) =>
            inner.PutCertificationAsync(certification, cancellationToken);

        public Task<LearnProgress.Core.Certifications.Certification?> GetCertificationAsync(string certificationId, CancellationToken cancellationToken = default) =>
            inner.GetCertificationAsync(certificationId, cancellationToken);

        public Task<IReadOnlyList<LearnProgress.Core.Certifications.Certification>> ListCertificationsAsync(CancellationToken cancellationToken = default) =>
            inner.ListCertificationsAsync(cancellationToken);

        public Task<LearnProgress.Core.Certifications.CredentialIssue> IssueAsync(string userId, string certificationId, DateTimeOffset now,
            LearnProgress.Core.Certifications.CredentialFactory issue, CancellationToken cancellationToken = default)
        {
            setup.ThrowIfIncomplete();
            return inner.IssueAsync(userId, certificationId, now, issue, cancellationToken);
        }

        public Task<LearnProgress.Core.Certifications.IssuedCredential?> GetCredentialAsync(string credentialId, CancellationToken cancellationToken = default) =>
            inner.GetCredentialAsync(credentialId, cancellationToken);

        public Task<IReadOnlyList<LearnProgress.Core.Certifications.IssuedCredential>> ReadLearnerCredentialsAsync(string userId, CancellationToken cancellationToken = default) =>
            inner.ReadLearnerCredentialsAsync(userId, cancellationToken);

        public Task<LearnProgress.Core.Certifications.IssuedCredential?> RevokeAsync(string credentialId, CancellationToken cancellationToken = default) =>
            inner.RevokeAsync(credentialId, cancellationToken);

        public Task<IReadOnlyList<long>> ReadRevokedAsync(long list, CancellationToken cancellationToken = default) =>
            inner.ReadRevokedAsync(list, cancellationToken);

        public Task<bool?> IsRevokedAsync(long statusIndex, CancellationToken cancellationToken = default) =>
            inner.IsRevokedAsync(statusIndex, cancellationToken);

        public Task EraseLearnerAsync(string userId, CancellationToken cancellationToken = default) =>
            inner.EraseLearnerAsync(userId, cancellationToken);
    }

    /// <summary>An award held already collides with the unique index; without it a second award could be inserted.</summary>
    private sealed class SetUpAchievementStore(MongoAchievementStore inner, StoreSetup setup) : IAchievementStore
    {
        public Task<IReadOnlyList<EarnedAchievement>> ReadEarnedAsync(string userId, CancellationToken cancellationToken = default) =>
            inner.ReadEarnedAsync(userId, cancellationToken);

        public Task<IReadOnlyList<LearningEvent>> AwardAsync(string userId, IReadOnlyList<(EarnedAchievement Award, LearningEvent Event)> awards,
            CancellationToken cancellationToken = default)
        {
            setup.ThrowIfIncomplete();
            return inner.AwardAsync(userId, awards, cancellationToken);
        }
    }
}
