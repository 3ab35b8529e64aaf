using LearnProgress.Core.Catalog;

namespace LearnProgress.Core.Progress;

public sealed record LectureProgressView(double Position, double Furthest, double Duration, long UpdatedAt);

/// <summary>The resume view of one course for one learner: only lectures the catalog still has count.</summary>
public sealed record CourseProgressView(
    string CourseId,
    IReadOnlyDictionary<string, double> WatchTimes,
    string? LastWatchedLecture,
    IReadOnlyDictionary<string, LectureProgressView> Lectures)
{
    public static CourseProgressView Build(Course course, IReadOnlyDictionary<string, LectureProgress> progress)
    {
        var lectures = new SortedDictionary<string, LectureProgressView>(StringComparer.Ordinal);
        string? last = null;
        var lastProgress = default(LectureProgress);
        foreach (var lecture in course.Lectures)
        {
            if (!progress.TryGetValue(lecture.Id, out var p)) continue;
            lectures[lecture.Id] = new LectureProgressView(p.Position, p.Furthest, lecture.DurationSeconds, p.UpdatedAt);
            if (last is null || p.UpdatedAt > lastProgress.UpdatedAt ||
                (p.UpdatedAt == lastProgress.UpdatedAt && string.CompareOrdinal(lecture.Id, last) > 0))
            {
                last = lecture.Id;
                lastProgress = p;
            }
        }
        var watchTimes = lectures.ToDictionary(kv => kv.Key, kv => kv.Value.Position, StringComparer.Ordinal);
        return new CourseProgressView(course.Id, watchTimes, last, lectures);
    }
}
