using System.Diagnostics;

namespace LearnProgress.Core.Telemetry;

/// <summary>
/// The service's own spans, where its time goes beyond a request: a flush and each bucket of it, the store write of a
/// bucket, a course's analytics, a webhook delivery. Nothing is recorded unless a tracer listens to <see cref="SourceName"/>.
/// </summary>
public static class ProgressTracing
{
    public const string SourceName = "LearnProgress";

    public static readonly ActivitySource Source = new(SourceName);

    public const string Flush = "flush";
    public const string FlushBucket = "flush.bucket";
    public const string StoreWrite = "store.write";
    public const string AnalyticsRefresh = "analytics.refresh";
    public const string WebhookDelivery = "webhook.deliver";

    /// <summary>Records <paramref name="error"/> on a span as OpenTelemetry's conventions describe a failed operation.</summary>
    public static void Failed(this Activity? activity, Exception error)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag("error.type", error.GetType().FullName);
    }
}
