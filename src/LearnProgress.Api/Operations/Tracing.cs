using System.ComponentModel.DataAnnotations;
using LearnProgress.Core.Telemetry;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using OpenTelemetry.Trace;

namespace LearnProgress.Api.Operations;

public sealed class TracingOptions
{
    public const string Section = "Tracing";

    /// <summary>Whether spans are recorded at all; on by default when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names a collector.</summary>
    public bool? Enabled { get; set; }

    /// <summary>
    /// Share of ping requests (save and batch) that start a trace. Pings are the one route whose rate is set by every
    /// player at once; every other request is traced whole.
    /// </summary>
    [Range(0.0, 1.0)]
    public double PingSampleRatio { get; set; } = 0.01;
}

/// <summary>
/// OpenTelemetry traces: incoming requests, outgoing HTTP (webhooks), Redis commands, the MongoDB driver's spans and the
/// service's own (<see cref="ProgressTracing"/>), exported by OTLP when the standard <c>OTEL_EXPORTER_OTLP_*</c> variables
/// name a collector. Without one nothing is recorded, so tracing costs the hot path nothing.
/// </summary>
public static class Tracing
{
    private const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IHostApplicationBuilder AddServiceTracing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TracingOptions>().BindConfiguration(TracingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(TracingOptions.Section).Get<TracingOptions>() ?? new TracingOptions();
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpoint]);
        if (!(options.Enabled ?? otlp)) return builder;

        builder.Services.AddOpenTelemetry().WithTracing(tracing =>
        {
            tracing
                .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()))
                .AddSource(ProgressTracing.SourceName, MongoTelemetry.ActivitySourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => Sampled(context.Request.Path, options.PingSampleRatio))
                .AddHttpClientInstrumentation()
                // Redis commands are recorded in profiling sessions and turned into spans by a periodic drain (10 s by
                // default); every second keeps a ping's Redis spans next to its request in a collector.
                .AddRedisInstrumentation(o => o.FlushInterval = TimeSpan.FromSeconds(1));
            if (otlp) tracing.AddOtlpExporter();
        });
        return builder;
    }

    /// <summary>
    /// A request that is not sampled records no span, and neither does anything under it (the sampler follows the
    /// parent), so an unsampled ping costs one random number.
    /// </summary>
    private static bool Sampled(PathString path, double pingRatio) =>
        !(path.StartsWithSegments("/api/v1/progress/save") || path.StartsWithSegments("/api/v1/progress/batch")) ||
        Random.Shared.NextDouble() < pingRatio;
}
