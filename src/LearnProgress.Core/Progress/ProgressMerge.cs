namespace LearnProgress.Core.Progress;

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

    /// <summary>Merges two views of one course (buffer over store) by the same rule as a flush.</summary>
    public static Dictionary<string, LectureProgress> Combine(
        IReadOnlyDictionary<string, LectureProgress> first, IReadOnlyDictionary<string, LectureProgress> second)
    {
        var result = new Dictionary<string, LectureProgress>(first, StringComparer.Ordinal);
        foreach (var (lectureId, progress) in second)
            Put(result, lectureId, progress);
        return result;
    }

    /// <summary>Buffered day totals over stored ones: both are totals, so the larger is the truth.</summary>
    public static double CombineSeconds(double stored, double buffered) => Math.Max(stored, buffered);

    private static void Put(Dictionary<string, LectureProgress> into, string lectureId, LectureProgress progress) =>
        into[lectureId] = into.TryGetValue(lectureId, out var existing) ? existing.Merge(progress) : progress;
}
