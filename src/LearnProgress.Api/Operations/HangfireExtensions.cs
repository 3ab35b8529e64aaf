using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Hangfire.Server;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Security;
using Microsoft.Extensions.Options;

namespace LearnProgress.Api.Operations;

public static partial class HangfireExtensions
{
    /// <summary>Hangfire with its own storage instance per host (in-memory, or MongoDB in production mode) and the recurring flush.</summary>
    public static IHostApplicationBuilder AddFlushScheduling(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddJobStorage(builder.Configuration);
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseStorage(sp.GetRequiredService<JobStorage>()));
        services.AddHangfireServer((IServiceProvider sp) => new DeferredJobServer(sp.GetRequiredService<StoreSetup>(),
            sp.GetRequiredService<IHostApplicationLifetime>(), () => CreateJobServer(sp)));
        services.AddTransient<FlushJob>();
        services.AddRecurringJob((sp, jobs) => jobs.AddOrUpdate<FlushJob>(FlushJob.RecurringJobId, job => job.RunAsync(CancellationToken.None),
            FlushSchedule.ToCron(sp.GetRequiredService<IOptions<WriteBehindOptions>>().Value.FlushInterval)!,
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc }));
        return builder;
    }

    /// <summary>
    /// Registers a recurring job once the store is set up. <c>AddOrUpdate</c> writes to the job storage, so against a
    /// MongoDB that is away it would throw and stop the start, and before the migration it would write collections
    /// the migration then meets.
    /// </summary>
    public static IServiceCollection AddRecurringJob(this IServiceCollection services, Action<IServiceProvider, IRecurringJobManager> register)
    {
        services.AddSingleton(new RecurringJobRegistration(register));
        services.AddHostedService<RecurringJobRegistrar>();
        return services;
    }

    /// <summary>The dashboard opens with an admin bearer token or the cookie <see cref="DashboardAccess"/> issues for one.</summary>
    public static void MapHangfireDashboardForAdmins(this WebApplication app)
    {
        app.MapHangfireDashboard(DashboardAccess.DashboardPath, new DashboardOptions { Authorization = [], DashboardTitle = "LearnProgress jobs" })
            .RequireAuthorization(DashboardAccess.Policy);
        app.MapDashboardSession();
    }

    /// <summary>What <c>AddHangfireServer</c> would build from the container, with the service's own options.</summary>
    private static BackgroundJobServer CreateJobServer(IServiceProvider sp)
    {
        var interval = sp.GetRequiredService<IOptions<WriteBehindOptions>>().Value.FlushInterval;
        var options = new BackgroundJobServerOptions
        {
            // The scheduler polls for due recurring jobs; it must look at least as often as the interval.
            SchedulePollingInterval = interval < TimeSpan.FromSeconds(15) ? interval : TimeSpan.FromSeconds(15),
            WorkerCount = 2,
            // Hangfire's default activator is a process-wide static: with several hosts in one process (the tests)
            // a job could be resolved from another, possibly disposed, host's container.
            Activator = new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()),
            FilterProvider = sp.GetService<IJobFilterProvider>(),
            TimeZoneResolver = sp.GetService<ITimeZoneResolver>(),
        };
        return new BackgroundJobServer(options, sp.GetRequiredService<JobStorage>(), sp.GetServices<IBackgroundProcess>());
    }

    public sealed record RecurringJobRegistration(Action<IServiceProvider, IRecurringJobManager> Register);

    /// <summary>
    /// Hangfire's job server, started once the store is set up. Its processes use the storage from their first moment
    /// (heartbeats, locks, the queue watcher or tailer), so it must not start before Hangfire.Mongo's migration; it is
    /// registered through <c>AddHangfireServer</c>'s factory overload, whose hosted service only stops and disposes
    /// the server it is given (Hangfire.NetCore, BackgroundProcessingServerHostedService).
    /// </summary>
    private sealed class DeferredJobServer : IBackgroundProcessingServer
    {
        private readonly CancellationTokenSource _stopped = new();
        private readonly Lock _lock = new();
        private readonly Task _started;
        private BackgroundJobServer? _server;
        private bool _disposed;

        public DeferredJobServer(StoreSetup setup, IHostApplicationLifetime lifetime, Func<BackgroundJobServer> create) =>
            _started = StartAsync(setup, lifetime, create, _stopped.Token);

        private async Task StartAsync(StoreSetup setup, IHostApplicationLifetime lifetime, Func<BackgroundJobServer> create, CancellationToken stopped)
        {
            try
            {
                // Not before the application has started, as Hangfire's own hosted service (HangfireIO/Hangfire#2117).
                var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
                    await started.Task.WaitAsync(stopped);
                await setup.WhenCompleteAsync(stopped);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            lock (_lock)
            {
                if (!stopped.IsCancellationRequested) _server = create();
            }
        }

        public void SendStop()
        {
            lock (_lock)
            {
                if (_disposed) return;
                _stopped.Cancel();
                _server?.SendStop();
            }
        }

        public bool WaitForShutdown(TimeSpan timeout) =>
            _started.Wait(timeout) && (_server?.WaitForShutdown(timeout) ?? true);

        public async Task WaitForShutdownAsync(CancellationToken cancellationToken)
        {
            await _started.WaitAsync(cancellationToken);
            if (_server is { } server) await server.WaitForShutdownAsync(cancellationToken);
        }

        public void Dispose()
        {
            lock (_lock)
            {
                if (_disposed) return;
                _disposed = true;
                _stopped.Cancel();
            }
            _server?.Dispose();
            _stopped.Dispose();
        }
    }

    /// <summary>
    /// Registers the recurring jobs once the store is set up: during start-up when it is (as before, so the schedule
    /// exists when the first request comes), in the background when MongoDB is still away.
    /// </summary>
    private sealed partial class RecurringJobRegistrar(
        IEnumerable<RecurringJobRegistration> registrations, IServiceProvider services, StoreSetup setup,
        ILogger<RecurringJobRegistrar> logger) : IHostedService, IDisposable
    {
        private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);
        private readonly CancellationTokenSource _stopping = new();
        private Task _registering = Task.CompletedTask;
        private bool _started;
        private bool _disposed;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            // Runs synchronously up to its first wait, so a store set up already gets its jobs before the start ends,
            // and a registration that throws for another reason than an outage fails the start, as it did before.
            _registering = RegisterAsync(_stopping.Token);
            _started = true;
            return _registering.IsFaulted ? _registering : Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            // WebApplicationFactory may stop a host again after disposing it (dotnet/aspnetcore#40271).
            if (_disposed) return;
            await _stopping.CancelAsync();
            await _registering.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        public void Dispose()
        {
            _disposed = true;
            _stopping.Dispose();
        }

        private async Task RegisterAsync(CancellationToken stopping)
        {
            try
            {
                await setup.WhenCompleteAsync(stopping);
                var jobs = services.GetRequiredService<IRecurringJobManager>();
                // MongoDB can go away again just after the set-up; the registrations are idempotent, so all are repeated.
                for (var delay = TimeSpan.FromSeconds(1); ; delay = delay * 2 < MaxRetryDelay ? delay * 2 : MaxRetryDelay)
                {
                    try
                    {
                        foreach (var registration in registrations) registration.Register(services, jobs);
                        return;
                    }
                    catch (Exception ex) when (Dependencies.Unavailable(ex) is not null)
                    {
                        LogRegistrationFailed(logger, ex);
                    }
                    await Task.Delay(delay, stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
            catch (Exception ex) when (_started)
            {
                LogRegistrationAbandoned(logger, ex);
            }
        }

        [LoggerMessage(LogLevel.Warning, "The recurring jobs could not be registered; trying again")]
        private static partial void LogRegistrationFailed(ILogger logger, Exception exception);

        [LoggerMessage(LogLevel.Error, "The recurring jobs could not be registered; they run once the service is restarted")]
        private static partial void LogRegistrationAbandoned(ILogger logger, Exception exception);
    }
}
