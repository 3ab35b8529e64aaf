using System.Diagnostics.Metrics;
using LearnProgress.Api.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LearnProgress.Api.Operations;

/// <summary>
/// What operators need to learn of trouble that requests alone do not show: flushes that keep failing, refused and
/// unavailable answers, and how full the buffer's Redis is. Feeds the readiness check and its own meter.
/// </summary>
public sealed class ServiceHealth
{
    public const string MeterName = "LearnProgress.Operations";

    private readonly TimeProvider _time;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _unavailable;
    private int _consecutiveFlushFailures;
    private string? _lastFlushError;
    private long _bufferMemoryUsed;
    private long _bufferMemoryLimit;

    public ServiceHealth(IMeterFactory meters, TimeProvider time, Microsoft.Extensions.Options.IOptions<WriteBehindOptions> writeBehind)
    {
        var flushInterval = writeBehind.Value.FlushInterval.TotalSeconds;
        _time = time;
        var meter = meters.Create(MeterName);
        _refused = meter.CreateCounter<long>("learnprogress.requests.refused", "{request}",
            "Requests refused before any work: 401 no or bad token, 403 wrong role, 429 rate limited.");
        _unavailable = meter.CreateCounter<long>("learnprogress.requests.unavailable", "{request}",
            "Requests answered 503 because the buffer or the store could not be reached or was busy.");
        meter.CreateObservableGauge("learnprogress.flush.consecutive_failures", () => Volatile.Read(ref _consecutiveFlushFailures),
            "{run}", "Recurring flushes that failed in a row; 0 after a flush succeeds.");
        // Lets an alert compare the backlog's age with the configured interval instead of a copied constant.
        meter.CreateObservableGauge("learnprogress.flush.interval", () => flushInterval, "s",
            "The configured interval of the recurring flush (WriteBehind:FlushInterval).");
        meter.CreateObservableGauge("learnprogress.buffer.memory.used", () => Interlocked.Read(ref _bufferMemoryUsed), "By",
            "Memory the buffer's Redis uses (the fullest node of a cluster; sampled; 0 until known).");
        meter.CreateObservableGauge("learnprogress.buffer.memory.limit", () => Interlocked.Read(ref _bufferMemoryLimit), "By",
            "The buffer's Redis maxmemory for that node; 0 when it has none or it is not known (sampled).");
    }

    public DateTimeOffset? LastFlushSucceeded { get; private set; }

    public int ConsecutiveFlushFailures => Volatile.Read(ref _consecutiveFlushFailures);

    public string? LastFlushError => Volatile.Read(ref _lastFlushError);

    public void FlushSucceeded()
    {
        Volatile.Write(ref _consecutiveFlushFailures, 0);
        LastFlushSucceeded = _time.GetUtcNow();
    }

    public void FlushFailed(string reason)
    {
        Interlocked.Increment(ref _consecutiveFlushFailures);
        Volatile.Write(ref _lastFlushError, reason);
    }

    public void Refused(int status) =>
        _refused.Add(1, new KeyValuePair<string, object?>("status", status switch { 401 => "401", 403 => "403", _ => "429" }));

    public void Unavailable(Dependency dependency) =>
        _unavailable.Add(1, new KeyValuePair<string, object?>("dependency", dependency == Dependency.Buffer ? "buffer" : "store"));

    public void BufferMemorySampled(long used, long limit)
    {
        Interlocked.Exchange(ref _bufferMemoryUsed, used);
        Interlocked.Exchange(ref _bufferMemoryLimit, limit);
    }

    /// <summary>Readiness stays up while flushes fail (pings are still taken and kept) but says Degraded, and why.</summary>
    internal sealed class FlushCheck(ServiceHealth health) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(health.ConsecutiveFlushFailures == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Degraded(
                    $"{health.ConsecutiveFlushFailures} flushes in a row failed ({health.LastFlushError}); changes stay buffered and are retried."));
    }

    /// <summary>Counts the refusals the pipeline answers (authentication, authorization, rate limits).</summary>
    internal sealed class RefusalCounting(RequestDelegate next, ServiceHealth health)
    {
        public async Task InvokeAsync(HttpContext context)
        {
            await next(context);
            if (context.Response.StatusCode is 401 or 403 or 429) health.Refused(context.Response.StatusCode);
        }
    }
}
