using System.Diagnostics;
using LearnProgress.Api.Progress;
using LearnProgress.Core;
using LearnProgress.Core.Catalog;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace LearnProgress.Api.Operations;

public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>A management port /metrics answers on alone; unset, it answers on every port the server listens on.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 65535)]
    public int? Port { get; set; }
}

/// <summary>The service's metrics (<see cref="ProgressMetrics"/>), exported for Prometheus at /metrics.</summary>
public static partial class Metrics
{
    public const string Path = "/metrics";

    private static readonly TimeSpan BacklogSampleInterval = TimeSpan.FromSeconds(5);

    public static IHostApplicationBuilder AddServiceMetrics(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ProgressMetrics>();
        services.AddSingleton<ServiceHealth>();
        services.AddHostedService<BacklogSampler>();
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("learnprogress"))
            .WithMetrics(m => m.AddMeter(ProgressMetrics.MeterName, ServiceHealth.MeterName).AddPrometheusExporter());
        return builder;
    }

    /// <summary>
    /// Anonymous and never rate-limited, like the health endpoints: it exposes counts and timings, no learner data. With
    /// <c>Metrics:Port</c> it answers on that port only (which the server must listen on too, e.g. in ASPNETCORE_URLS), so
    /// a cluster can expose it to Prometheus alone.
    /// </summary>
    public static IEndpointConventionBuilder MapServiceMetrics(this IEndpointRouteBuilder routes)
    {
        var endpoint = routes.MapPrometheusScrapingEndpoint(Path).AllowAnonymous().DisableRateLimiting();
        return routes.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value.Port is { } port
            ? endpoint.RequireHost($"*:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}")
            : endpoint;
    }

    /// <summary>Counts the pings an endpoint accepts and rejects, and times its handler.</summary>
    public static TBuilder WithPingMetrics<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, PingMetering>();

    private sealed class PingMetering(ProgressMetrics metrics) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await next(context);
            metrics.PingHandled(Stopwatch.GetElapsedTime(started));
            switch (result is INestedHttpResult nested ? nested.Result : result)
            {
                case Ok<Synced>:
                    metrics.PingsAccepted(1);
                    break;
                case Ok<BatchResult> { Value: { } batch }:
                    metrics.PingsAccepted(batch.Accepted);
                    metrics.PingsRejected(batch.Rejected.Count);
                    break;
                default:
                    // A refused batch refuses every ping in it.
                    metrics.PingsRejected(context.Arguments.OfType<BatchRequest>().FirstOrDefault()?.Pings?.Count ?? 1);
                    break;
            }
            return result;
        }
    }

    /// <summary>Backlog and oldest-change age need a scan of every bucket, so they are sampled, not read per scrape.</summary>
    private sealed partial class BacklogSampler(IProgressBuffer buffer, ProgressMetrics metrics, ServiceHealth health,
        StackExchange.Redis.IConnectionMultiplexer redis, TimeProvider time, ILogger<BacklogSampler> logger)
        : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var timer = new PeriodicTimer(BacklogSampleInterval, time);
            do
            {
                try
                {
                    metrics.BacklogSampled(await buffer.CountPendingAsync(stoppingToken), await buffer.OldestPendingChangeAsync(stoppingToken),
                        await buffer.CountHeldAsync(stoppingToken));
                    if (await BufferMemoryAsync() is { } memory) health.BufferMemorySampled(memory.Used, memory.Limit);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The readiness check reports an unreachable buffer; the gauges keep their last sample.
                    LogSampleFailed(logger, ex);
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }

        [LoggerMessage(LogLevel.Debug, "Could not sample the buffer backlog")]
        private static partial void LogSampleFailed(ILogger logger, Exception exception);

        /// <summary>
        /// Memory against maxmemory of the fullest primary (on a cluster the first to fill refuses its buckets' pings).
        /// Garnet reports no maxmemory; its gauges then show what it reports.
        /// </summary>
        private async Task<(long Used, long Limit)?> BufferMemoryAsync()
        {
            (long Used, long Limit)? fullest = null;
            foreach (var endpoint in redis.GetEndPoints())
            {
                var server = redis.GetServer(endpoint);
                if (!server.IsConnected || server.IsReplica) continue;
                var info = (await server.InfoAsync("memory")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
                if (!info.TryGetValue("used_memory", out var usedText) || !long.TryParse(usedText, out var used)) continue;
                var limit = info.TryGetValue("maxmemory", out var maxText) && long.TryParse(maxText, out var max) ? max : 0;
                double Share((long Used, long Limit) m) => m.Limit > 0 ? (double)m.Used / m.Limit : 0;
                if (fullest is null || Share((used, limit)) > Share(fullest.Value)) fullest = (used, limit);
            }
            return fullest;
        }
    }
}
