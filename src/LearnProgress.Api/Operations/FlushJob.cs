using Hangfire;
using LearnProgress.Core.Flushing;

namespace LearnProgress.Api.Operations;

/// <summary>The recurring Hangfire job that drains the write-behind buffer into the store.</summary>
public sealed class FlushJob(WriteBehindFlusher flusher, ServiceHealth health, ILogger<FlushJob> logger)
{
    public const string RecurringJobId = "write-behind-flush";

    // A run that overlaps the next one gains nothing; a failed run is simply the next run's work (claims are replayed).
    [DisableConcurrentExecution(timeoutInSeconds: 300)]
    [AutomaticRetry(Attempts = 0, LogEvents = false)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        FlushResult result;
        try
        {
            result = await flusher.FlushAsync(cancellationToken);
        }
        catch (FlushFailedException failed)
        {
            // Hangfire records the failed run (no retry: the next run replays the claims); the log says why, once a run.
            health.FlushFailed(failed.InnerException?.Message ?? failed.Message);
            logger.LogWarning(failed.InnerException ?? failed,
                "Flush failed: {Failed} of {Buckets} buckets could not be written ({Failures} runs in a row); their changes stay buffered",
                failed.Result.FailedBuckets, failed.Result.Buckets, health.ConsecutiveFlushFailures);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            health.FlushFailed(ex.Message);
            logger.LogWarning(ex, "Flush failed ({Failures} runs in a row); changes stay buffered", health.ConsecutiveFlushFailures);
            throw;
        }
        health.FlushSucceeded();
        if (result.Flushed > 0)
            logger.LogInformation("Flushed {Keys} keys from {Buckets} buckets in {Elapsed} ms",
                result.Flushed, result.Buckets, (int)result.Duration.TotalMilliseconds);
    }
}
