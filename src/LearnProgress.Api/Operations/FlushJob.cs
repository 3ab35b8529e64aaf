using Hangfire;
using LearnProgress.Core.Flushing;

namespace LearnProgress.Api.Operations;

/// <summary>The recurring Hangfire job that drains the write-behind buffer into the store.</summary>
public sealed partial class FlushJob(WriteBehindFlusher flusher, ServiceHealth health, ILogger<FlushJob> logger)
{
    public const string RecurringJobId = "write-behind-flush";

    // A run that overlaps the next one gains nothing; a failed run is simply the next run's work (claims are replayed).
    // What a run returns is shown with the job in the dashboard, held learners included.
    [DisableConcurrentExecution(timeoutInSeconds: 300)]
    [AutomaticRetry(Attempts = 0, LogEvents = false)]
    public async Task<string> RunAsync(CancellationToken cancellationToken)
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
            LogFailed(logger, failed.Result.FailedBuckets, failed.Result.Buckets, health.ConsecutiveFlushFailures, failed.InnerException ?? failed);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            health.FlushFailed(ex.Message);
            LogFailed(logger, 0, 0, health.ConsecutiveFlushFailures, ex);
            throw;
        }
        health.FlushSucceeded();
        if (result.Flushed > 0)
            LogFlushed(logger, result.Flushed, result.Buckets, (int)result.Duration.TotalMilliseconds);
        foreach (var held in result.Held)
            LogHeld(logger, held.UserId, held.Reason);
        return result.Held.Count == 0
            ? $"flushed {result.Flushed} keys"
            : $"flushed {result.Flushed} keys; held back {result.Held.Count} learners: " + string.Join("; ", result.Held.Select(h => $"{h.UserId} ({h.Reason})"));
    }

    [LoggerMessage(LogLevel.Information, "Flushed {Keys} keys from {Buckets} buckets in {Elapsed} ms")]
    private static partial void LogFlushed(ILogger logger, int keys, int buckets, int elapsed);

    [LoggerMessage(LogLevel.Warning, "Learner {UserId} held back: the store refused its state ({Reason}); it stays buffered and is retried later")]
    private static partial void LogHeld(ILogger logger, string userId, string reason);

    [LoggerMessage(LogLevel.Warning, "Flush failed: {Failed} of {Buckets} buckets could not be written ({Failures} runs in a row); their changes stay buffered and are retried")]
    private static partial void LogFailed(ILogger logger, int failed, int buckets, int failures, Exception exception);
}
