using System.Diagnostics;
using LearnProgress.Api.Progress;
using LearnProgress.Core;
using LearnProgress.Core.Catalog;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace LearnProgress.Api.Operations;

/// <summary>The service's metrics (<see cref="ProgressMetrics"/>), exported for Prometheus at /metrics.</summary>
public static partial class Metrics
{
    public const string Path = "/metrics";

    private static readonly TimeSpan BacklogSampleInterval = TimeSpan.FromSeconds(5);

    public static IHostApplicationBuilder AddServiceMetrics(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<ProgressMetrics>();
        services.AddHostedService<BacklogSampler>();
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("learnprogress"))
            .WithMetrics(m => m.AddMeter(ProgressMetrics.MeterName).AddPrometheusExporter());
        return builder;
    }

    /// <summary>Anonymous, like the health endpoints: it exposes counts and timings, no learner data.</summary>
    public static IEndpointConventionBuilder MapServiceMetrics(this IEndpointRouteBuilder routes) =>
        routes.MapPrometheusScrapingEndpoint(Path).AllowAnonymous();

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
    private sealed partial class BacklogSampler(IProgressBuffer buffer, ProgressMetrics metrics, TimeProvider time, ILogger<BacklogSampler> logger)
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
    }
}
