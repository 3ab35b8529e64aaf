using Hangfire;
using Hangfire.AspNetCore;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Security;
using Microsoft.Extensions.Options;

namespace LearnProgress.Api.Operations;

public static class HangfireExtensions
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
        services.AddHangfireServer((sp, server) =>
        {
            var interval = sp.GetRequiredService<IOptions<WriteBehindOptions>>().Value.FlushInterval;
            // The scheduler polls for due recurring jobs; it must look at least as often as the interval.
            server.SchedulePollingInterval = interval < TimeSpan.FromSeconds(15) ? interval : TimeSpan.FromSeconds(15);
            server.WorkerCount = 2;
            // Hangfire's default activator is a process-wide static: with several hosts in one process (the tests)
            // a job could be resolved from another, possibly disposed, host's container.
            server.Activator = new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>());
        });
        services.AddTransient<FlushJob>();
        services.AddHostedService<FlushScheduleRegistration>();
        return builder;
    }

    /// <summary>The dashboard opens with an admin bearer token or the cookie <see cref="DashboardAccess"/> issues for one.</summary>
    public static void MapHangfireDashboardForAdmins(this WebApplication app)
    {
        app.MapHangfireDashboard(DashboardAccess.DashboardPath, new DashboardOptions { Authorization = [], DashboardTitle = "LearnProgress jobs" })
            .RequireAuthorization(DashboardAccess.Policy);
        app.MapDashboardSession();
    }

    private sealed class FlushScheduleRegistration(IRecurringJobManager jobs, IOptions<WriteBehindOptions> options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            jobs.AddOrUpdate<FlushJob>(FlushJob.RecurringJobId, job => job.RunAsync(CancellationToken.None),
                FlushSchedule.ToCron(options.Value.FlushInterval)!, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
