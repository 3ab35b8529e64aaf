using LearnProgress.Core.Record;
using LearnProgress.Core.Telemetry;

namespace LearnProgress.Core.Flushing;

public sealed record FlushResult(int Flushed, int Buckets, int FailedBuckets, TimeSpan Duration);

/// <summary>Drains every bucket of the buffer into the learning record, a few buckets at a time.</summary>
public sealed class WriteBehindFlusher(IProgressBuffer buffer, RecordWriter record, TimeProvider time, ProgressMetrics metrics)
{
    // Few at a time: the store takes one writer at a time anyway, and a flush must leave CPU to the ping path.
    private const int Parallelism = 2;

    public async Task<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        var flushed = 0;
        var failed = 0;
        Exception? firstError = null;
        await Parallel.ForAsync(0, buffer.BucketCount,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (bucket, ct) =>
            {
                try
                {
                    Interlocked.Add(ref flushed, await buffer.FlushBucketAsync(bucket,
                        (batch, token) => record.WriteAsync(RecordChange.Of(batch), token), ct));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One bucket failing (store down) must not stop the others; its claim is replayed next time.
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, ex, null);
                }
            });
        var result = new FlushResult(flushed, buffer.BucketCount, failed, time.GetElapsedTime(started));
        metrics.FlushCompleted(result.Flushed, result.Duration, failed > 0);
        if (failed > 0)
            throw new FlushFailedException(result, firstError!);
        return result;
    }
}

public sealed class FlushFailedException(FlushResult result, Exception inner)
    : Exception($"{result.FailedBuckets} of {result.Buckets} buckets failed to flush; they stay buffered and are retried.", inner)
{
    public FlushResult Result { get; } = result;
}
