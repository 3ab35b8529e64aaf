using LearnProgress.Core.Progress;

namespace LearnProgress.Core;

/// <summary>The hot side: a write-behind buffer that absorbs pings and hands changed state to the store.</summary>
public interface IProgressBuffer
{
    /// <summary>Number of independent buckets; each can be flushed on its own.</summary>
    int BucketCount { get; }

    /// <summary>
    /// Merges one learner's pings atomically, in one round trip: resume and high-water marks, the footage each ping
    /// claims (<see cref="PlaybackRules"/>) into coverage, and its playing time into the day's spans.
    /// Returns once they are durable in the buffer.
    /// </summary>
    Task RecordAsync(string userId, IReadOnlyList<ProgressPing> pings, CancellationToken cancellationToken = default);

    /// <summary>The buffered (not necessarily flushed) state of one learner's course; empty when nothing is buffered.</summary>
    Task<IReadOnlyDictionary<string, LectureProgress>> ReadAsync(string userId, string courseId, CancellationToken cancellationToken = default);

    /// <summary>The buffered state of every course the learner has pinged lately, by course.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, LectureProgress>>> ReadCoursesAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>The buffered playing spans per day of one learner.</summary>
    Task<IReadOnlyDictionary<DateOnly, Coverage>> ReadActivityAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the bucket's changed keys atomically, passes their state to <paramref name="write"/>, and only after it
    /// returns acknowledges them. If <paramref name="write"/> throws, the claim stays and the next flush replays it.
    /// The learners <paramref name="write"/> returns (and any whose buffered state cannot be read) are held back:
    /// their keys stay, unacknowledged and without expiry, and are claimed again after a growing delay.
    /// </summary>
    Task<BucketFlush> FlushBucketAsync(int bucket, Func<FlushBatch, CancellationToken, Task<IReadOnlyList<HeldLearner>>> write,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes every key of the learner, and the learner's members of the bucket's changed and claimed sets, in one
    /// atomic step, then runs <paramref name="whileHeld"/> (the store's erase) before letting the bucket go. The
    /// bucket is held as a flush holds it: the erase waits for a flush in progress to finish its write, and no flush of
    /// the bucket starts until <paramref name="whileHeld"/> returns.
    /// </summary>
    Task EraseAsync(string userId, Func<CancellationToken, Task> whileHeld, CancellationToken cancellationToken = default);

    /// <summary>Changed keys waiting for a flush, claimed and held ones included.</summary>
    Task<long> CountPendingAsync(CancellationToken cancellationToken = default);

    /// <summary>Keys held back because their learner's state could not be written.</summary>
    Task<long> CountHeldAsync(CancellationToken cancellationToken = default);

    /// <summary>When the oldest change not yet acknowledged by a flush reached the buffer; null when none is pending.</summary>
    Task<DateTimeOffset?> OldestPendingChangeAsync(CancellationToken cancellationToken = default);

    /// <summary>Throws when the buffer cannot be reached.</summary>
    Task CheckAsync(CancellationToken cancellationToken = default);
}
