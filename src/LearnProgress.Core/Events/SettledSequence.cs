namespace LearnProgress.Core.Events;

/// <summary>
/// How far a reader may go in a log whose sequence numbers are taken before the write that uses them commits. With
/// several writers, a number taken later can be visible while an earlier one is still on its way; a reader that passed
/// the later one would never see the earlier. So a reader stops at a hole in the numbers until the hole is settled:
/// the missing numbers were taken before the number that follows them, so once that one is older than
/// <see cref="Window"/>, a writer still holding a missing number would have outlived the time a write is given.
/// </summary>
/// <remarks>
/// Holes are normal: a number whose event turned out to be stored already, a writer that failed or was killed. A run
/// without holes is readable at once; only a hole with a young successor waits, and at most <see cref="Window"/>. An
/// event erased with its learner must not leave one (a reader could not tell it from a write in flight and would wait
/// the window at it): its number stays in the log as an erased place, without anything of the event, which readers
/// count as present and pass over.
/// </remarks>
public static class SettledSequence
{
    /// <summary>
    /// How long after taking its numbers a writer's events are visible, at the latest: longer than the MongoDB client
    /// lets a write run before it fails (30 s socket timeout, which also bounds the 10 s majority wait). Only a hole
    /// near the head of the log makes a reader wait, so the length costs nothing while writes succeed.
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(40);

    /// <summary>
    /// Numbers whose taking took longer than this are not used (taken again instead), so that taking them and writing
    /// their events stays well inside <see cref="Window"/>.
    /// </summary>
    public static readonly TimeSpan TakingBudget = TimeSpan.FromSeconds(1);

    /// <summary>A number in the log and how long ago it was taken, by the store's own clock.</summary>
    public readonly record struct Numbered(long Sequence, TimeSpan Age);

    /// <summary>
    /// How many of <paramref name="read"/> (the numbers above <paramref name="after"/>, ascending) a reader may return:
    /// up to the first hole whose following number is younger than <paramref name="window"/>.
    /// </summary>
    public static int ReadableCount(long after, IReadOnlyList<Numbered> read, TimeSpan window)
    {
        var expected = after + 1;
        for (var i = 0; i < read.Count; i++)
        {
            if (read[i].Sequence > expected && read[i].Age < window) return i;
            expected = Math.Max(expected, read[i].Sequence + 1);
        }
        return read.Count;
    }
}
