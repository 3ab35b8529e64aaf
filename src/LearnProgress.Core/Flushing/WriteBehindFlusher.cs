using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;
using LearnProgress.Core.Telemetry;

namespace LearnProgress.Core.Flushing;

public sealed record FlushResult(int Flushed, int Buckets, int FailedBuckets, TimeSpan Duration, IReadOnlyList<HeldLearner> Held);

/// <summary>Drains every bucket of the buffer into the learning record, a few buckets at a time.</summary>
public sealed class WriteBehindFlusher(IProgressBuffer buffer, RecordWriter record, TimeProvider time, ProgressMetrics metrics)
{
    // Two at a time: the store takes one writer at a time, but one bucket's claim and acknowledgement in Redis overlap
    // another's store write, and the SQLite store puts the batches that arrive while a transaction is in flight in the
    // next one (one commit and one sync for both). The flush is bound by the API's CPU (70-80 µs per key), so more
    // buckets at once take CPU from the ping path for little: on the quiet 2-core machine, 1, 2 and 4 at a time gave
    // 13,343, 13,623 and 15,656 keys/s on a 100,000-key backlog, and paced players' p99 with a flush every 30 s / 60 s
    // of 15.1 / 12.7, 15.4 / 11.4 and 19.8 / 14.9 ms (bash tests/bench/run.sh --paced).
    private const int Parallelism = 2;

    public async Task<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        using var span = ProgressTracing.Source.StartActivity(ProgressTracing.Flush);
        var started = time.GetTimestamp();
        var flushed = 0;
        var failed = 0;
        var held = new List<HeldLearner>();
        var attempted = 0;
        Exception? firstError = null;
        // A store that is down or locked fails every bucket alike: the first such failure ends the run at once
        // instead of waiting out the store once per bucket. What was not flushed stays buffered for the next run.
        using var unavailable = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await Parallel.ForAsync(0, buffer.BucketCount,
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = unavailable.Token },
                async (bucket, ct) =>
                {
                    Interlocked.Increment(ref attempted);
                    using var bucketSpan = ProgressTracing.Source.StartActivity(ProgressTracing.FlushBucket);
                    bucketSpan?.SetTag("learnprogress.bucket", bucket);
                    try
                    {
                        var result = await buffer.FlushBucketAsync(bucket, WriteAsync, ct);
                        Interlocked.Add(ref flushed, result.Keys);
                        if (result.Held.Count > 0) lock (held) held.AddRange(result.Held);
                        bucketSpan?.SetTag("learnprogress.flush.keys", result.Keys);
                        bucketSpan?.SetTag("learnprogress.flush.held", result.Held.Count);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        bucketSpan.Failed(ex);
                        // Any other bucket failing must not stop the rest; its claim is replayed next time.
                        Interlocked.Increment(ref failed);
                        Interlocked.CompareExchange(ref firstError, ex, null);
                        if (ex is StoreUnavailableException) await unavailable.CancelAsync();
                    }
                });
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failed += buffer.BucketCount - attempted;
        }
        var outcome = new FlushResult(flushed, buffer.BucketCount, failed, time.GetElapsedTime(started), held);
        span?.SetTag("learnprogress.flush.keys", flushed);
        span?.SetTag("learnprogress.flush.held", held.Count);
        span?.SetTag("learnprogress.flush.failed_buckets", failed);
        if (failed > 0) span.Failed(firstError!);
        metrics.FlushCompleted(outcome.Flushed, outcome.Duration, failed > 0, held.Count);
        if (failed > 0)
            throw new FlushFailedException(outcome, firstError!);
        return outcome;
    }

    /// <summary>
    /// Writes a bucket's batch in one go. When the store refuses it for a reason other than being unavailable, the
    /// learners are written one by one, so one learner's state that cannot be written (a constraint, a corrupt stored
    /// document, a bug) holds back that learner alone and never the rest of the bucket.
    /// </summary>
    private async Task<IReadOnlyList<HeldLearner>> WriteAsync(FlushBatch batch, CancellationToken ct)
    {
        using var span = ProgressTracing.Source.StartActivity(ProgressTracing.StoreWrite);
        span?.SetTag("learnprogress.flush.keys", batch.Count);
        try
        {
            await record.WriteAsync(RecordChange.Of(batch), ct);
            return [];
        }
        catch (Exception ex) when (ex is not (StoreUnavailableException or OperationCanceledException))
        {
            var held = new List<HeldLearner>();
            foreach (var user in batch.Users)
            {
                try
                {
                    await record.WriteAsync(RecordChange.Of(batch.Of(user)), ct);
                }
                catch (Exception refused) when (refused is not (StoreUnavailableException or OperationCanceledException))
                {
                    held.Add(new HeldLearner(user, $"{refused.GetType().Name}: {refused.Message.Split('\n')[0]}"));
                }
            }
            return held;
        }
    }
}

public sealed class FlushFailedException(FlushResult result, Exception inner)
    : Exception($"{result.FailedBuckets} of {result.Buckets} buckets failed to flush; they stay buffered and are retried.", inner)
{
    public FlushResult Result { get; } = result;
}
