using System.Diagnostics.Metrics;

namespace LearnProgress.Core.Telemetry;

/// <summary>
/// The service's own instruments, all on one meter. Names follow OpenTelemetry conventions (dots, a unit per
/// instrument); the Prometheus exporter turns them into learnprogress_pings_accepted_total and the like.
/// </summary>
public sealed class ProgressMetrics
{
    public const string MeterName = "LearnProgress";

    // Pings take well under a millisecond when healthy; the upper buckets catch a slow buffer.
    private static readonly double[] PingBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
    private static readonly double[] FlushBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Counter<long> _pingsAccepted;
    private readonly Counter<long> _pingsRejected;
    private readonly Histogram<double> _pingDuration;
    private readonly Counter<long> _flushRuns;
    private readonly Counter<long> _flushKeys;
    private readonly Histogram<double> _flushDuration;
    private readonly Counter<long> _storeWrites;
    private readonly Counter<long> _learnersHeld;
    private readonly TimeProvider _time;
    private long _backlog;
    private long _held;
    private long _oldestChangeMs = -1;

    public ProgressMetrics(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        var meter = meters.Create(MeterName);
        _pingsAccepted = meter.CreateCounter<long>("learnprogress.pings.accepted", "{ping}",
            "Pings merged into the buffer.");
        _pingsRejected = meter.CreateCounter<long>("learnprogress.pings.rejected", "{ping}",
            "Pings refused by validation or the catalog; nothing was written for them.");
        _pingDuration = meter.CreateHistogram("learnprogress.ping.duration", "s",
            "Time to handle one ping request (validation, catalog, buffer), excluding authentication and body parsing.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PingBuckets });
        _flushRuns = meter.CreateCounter<long>("learnprogress.flush.runs", "{run}",
            "Flushes of the whole buffer; outcome=failed when a bucket could not be written.");
        _flushKeys = meter.CreateCounter<long>("learnprogress.flush.keys", "{key}",
            "Changed (learner, course) keys moved from the buffer into the store.");
        _flushDuration = meter.CreateHistogram("learnprogress.flush.duration", "s",
            "Time for one flush of every bucket.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FlushBuckets });
        _storeWrites = meter.CreateCounter<long>("learnprogress.store.writes", "{row}",
            "Lecture progress records upserted into the system of record.");
        _learnersHeld = meter.CreateCounter<long>("learnprogress.flush.held", "{learner}",
            "Learners a flush could not write and held back for a later attempt (their data stays buffered).");
        meter.CreateObservableGauge("learnprogress.flush.held_learners", () => Interlocked.Read(ref _held), "{key}",
            "Buffered keys held back because their learner's state could not be written (sampled).");
        meter.CreateObservableGauge("learnprogress.buffer.backlog", () => Interlocked.Read(ref _backlog), "{key}",
            "Changed keys waiting for a flush, claimed ones included (sampled).");
        meter.CreateObservableGauge("learnprogress.buffer.oldest_change_age", ObserveOldestChangeAge, "s",
            "Age of the oldest change not yet flushed; 0 when nothing is pending.");
    }

    public void PingsAccepted(int count)
    {
        if (count > 0) _pingsAccepted.Add(count);
    }

    public void PingsRejected(int count)
    {
        if (count > 0) _pingsRejected.Add(count);
    }

    public void PingHandled(TimeSpan elapsed) => _pingDuration.Record(elapsed.TotalSeconds);

    public void FlushCompleted(int keys, TimeSpan elapsed, bool failed, int held = 0)
    {
        if (held > 0) _learnersHeld.Add(held);
        _flushRuns.Add(1, new KeyValuePair<string, object?>("outcome", failed ? "failed" : "ok"));
        _flushKeys.Add(keys);
        _flushDuration.Record(elapsed.TotalSeconds);
    }

    public void StoreWritten(int rows) => _storeWrites.Add(rows);

    public void BacklogSampled(long pendingKeys, DateTimeOffset? oldestChange, long heldKeys = 0)
    {
        Interlocked.Exchange(ref _held, heldKeys);
        Interlocked.Exchange(ref _backlog, pendingKeys);
        Interlocked.Exchange(ref _oldestChangeMs, oldestChange?.ToUnixTimeMilliseconds() ?? -1);
    }

    private double ObserveOldestChangeAge()
    {
        var oldest = Interlocked.Read(ref _oldestChangeMs);
        if (oldest < 0) return 0;
        // The age keeps growing between samples, so a stuck flush shows at every scrape.
        return Math.Max(0, (_time.GetUtcNow().ToUnixTimeMilliseconds() - oldest) / 1000.0);
    }
}
