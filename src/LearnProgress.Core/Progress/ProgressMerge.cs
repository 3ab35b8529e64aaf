namespace LearnProgress.Core.Progress;

/// <summary>The model of the buffer: what a set of pings makes of one learner's lectures and days.</summary>
public static class ProgressMerge
{
    /// <summary>Folds pings into state by <see cref="LectureProgress.Merge"/>, one entry per lecture.</summary>
    public static Dictionary<string, LectureProgress> Apply(
        IReadOnlyDictionary<string, LectureProgress> state, IEnumerable<ProgressPing> pings)
    {
        var result = new Dictionary<string, LectureProgress>(state, StringComparer.Ordinal);
        foreach (var ping in pings)
            Put(result, ping.LectureId, ping.ToProgress());
        return result;
    }

    /// <summary>Merges two views of one course by the same rule as a flush.</summary>
    public static Dictionary<string, LectureProgress> Combine(
        IReadOnlyDictionary<string, LectureProgress> first, IReadOnlyDictionary<string, LectureProgress> second)
    {
        var result = new Dictionary<string, LectureProgress>(first, StringComparer.Ordinal);
        foreach (var (lectureId, progress) in second)
            Put(result, lectureId, progress);
        return result;
    }

    /// <summary>The playing spans of each day that a set of pings claims.</summary>
    public static Dictionary<DateOnly, Coverage> Played(IEnumerable<ProgressPing> pings)
    {
        var days = new Dictionary<DateOnly, Coverage>();
        foreach (var ping in pings)
            if (PlaybackRules.Claim(ping) is { Played.Intervals.Count: > 0 } claim)
                days[ping.Day] = days.TryGetValue(ping.Day, out var played) ? played.Union(claim.Played) : claim.Played;
        return days;
    }

    private static void Put(Dictionary<string, LectureProgress> into, string lectureId, LectureProgress progress) =>
        into[lectureId] = into.TryGetValue(lectureId, out var existing) ? existing.Merge(progress) : progress;
}
