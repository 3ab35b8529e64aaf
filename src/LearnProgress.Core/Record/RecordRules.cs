using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;

namespace LearnProgress.Core.Record;

/// <summary>
/// The merge of what the buffer or a request brings over what the store holds, for one lecture and one day. Flushes
/// and reads both go through here, so a read shows exactly what the next flush will store.
/// </summary>
public static class RecordRules
{
    /// <summary>
    /// Merges by <see cref="LectureProgress.Merge"/> and decides completion once: a lecture marked complete, or whose
    /// footage reaches the threshold of its duration, is complete from then on, dated by the learner's day of its
    /// latest ping (or of the explicit completion). A stored completion keeps its day.
    /// </summary>
    public static StoredLecture MergeLecture(
        StoredLecture? stored, LectureProgress incoming, double? duration, TimeZoneInfo zone, CompletionRule rule, DateOnly? explicitDay = null)
    {
        var merged = stored is null ? incoming : stored.Progress.Merge(incoming);
        if (stored?.Completed == true) return new StoredLecture(merged with { Completed = true }, stored.CompletedOn);
        if (explicitDay is { } day) return new StoredLecture(merged with { Completed = true }, day);
        if (merged.Completed || (duration is { } d && rule.IsComplete(merged, d)))
            return new StoredLecture(merged with { Completed = true }, LearnerClock.DayOf(merged.UpdatedAt, zone));
        return new StoredLecture(merged, null);
    }

    /// <summary>The buffer's played spans of a day over the stored ones.</summary>
    public static (Coverage Played, double Seconds) MergeDay(StoredDay? stored, Coverage buffered)
    {
        var played = (stored?.Played ?? Coverage.Empty).Union(buffered);
        return (played, DayActivity.SecondsOf(played, stored?.Seconds ?? 0));
    }
}
