using Hangfire;
using LearnProgress.Core.Flushing;

namespace LearnProgress.Api.Operations;

/// <summary>The recurring Hangfire job that drains the write-behind buffer into the store.</summary>
public sealed partial class FlushJob(WriteBehindFlusher flusher, ILogger<FlushJob> logger)
{
    public const string RecurringJobId = "write-behind-flush";

    // A run that overlaps the next one gains nothing; a failed run is simply the next run's work (claims are replayed).
    [DisableConcurrentExecution(timeoutInSeconds: 300)]
    [AutomaticRetry(Attempts = 0, LogEvents = false)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var result = await flusher.FlushAsync(cancellationToken);
        if (result.Flushed > 0)
            LogFlushed(logger, result.Flushed, result.Buckets, (int)result.Duration.TotalMilliseconds);
    }

    [LoggerMessage(LogLevel.Information, "Flushed {Keys} keys from {Buckets} buckets in {Elapsed} ms")]
    private static partial void LogFlushed(ILogger logger, int keys, int buckets, int elapsed);
}
