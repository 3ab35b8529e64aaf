using LearnProgress.Core.Catalog;

namespace LearnProgress.Core.Progress;

public sealed record LectureProgressView(
    double Position, double Furthest, double Duration, double Coverage, bool Completed, long UpdatedAt);

/// <summary>
/// The view of one course for one learner. Only lectures the catalog still has count, so adding or removing a
/// lecture changes the percentage at once.
/// </summary>
public sealed record CourseProgressView(
    string CourseId,
    IReadOnlyDictionary<string, double> WatchTimes,
    IReadOnlyList<string> CompletedLectures,
    string? LastWatchedLecture,
    double CompletionPercentage,
    IReadOnlyDictionary<string, LectureProgressView> Lectures)
{
    /// <summary>Mean over attempted quizzes of each quiz's best percent; null before any attempt.</summary>
    public double? AverageScore { get; init; }

    /// <summary>Quizzes of the course with a passed attempt.</summary>
    public int QuizzesPassed { get; init; }

    /// <summary>advanced, proficient, developing or beginner from the latest five quiz percents; null before any attempt.</summary>
    public string? Readiness { get; init; }

    /// <summary>Least-squares slope of the latest five quiz percents, points per attempt; null with fewer than two.</summary>
    public double? Trend { get; init; }

    /// <summary>The view with the learner's quizzes in the course; completion stays the lectures' alone.</summary>
    public CourseProgressView WithAssessment(Assessments.CourseAssessment quizzes) => this with
    {
        AverageScore = quizzes.AverageScore,
        QuizzesPassed = quizzes.QuizzesPassed,
        Readiness = quizzes.Readiness,
        Trend = quizzes.Trend,
    };

    /// <param name="progress">Merged progress per lecture, completion already decided.</param>
    public static CourseProgressView Build(Course course, IReadOnlyDictionary<string, LectureProgress> progress)
    {
        var lectures = new SortedDictionary<string, LectureProgressView>(StringComparer.Ordinal);
        string? last = null;
        LectureProgress? lastProgress = null;
        foreach (var lecture in course.Lectures)
        {
            if (!progress.TryGetValue(lecture.Id, out var p)) continue;
            lectures[lecture.Id] = new LectureProgressView(p.Position, p.Furthest, lecture.DurationSeconds,
                Math.Round(p.Coverage.FractionOf(lecture.DurationSeconds), 4), p.Completed, p.UpdatedAt);
            if (lastProgress is null || p.UpdatedAt > lastProgress.UpdatedAt ||
                (p.UpdatedAt == lastProgress.UpdatedAt && string.CompareOrdinal(lecture.Id, last) > 0))
            {
                last = lecture.Id;
                lastProgress = p;
            }
        }
        var completed = lectures.Where(kv => kv.Value.Completed).Select(kv => kv.Key).ToList();
        return new CourseProgressView(
            course.Id,
            lectures.ToDictionary(kv => kv.Key, kv => kv.Value.Position, StringComparer.Ordinal),
            completed,
            last,
            Percentage(completed.Count, course.TotalLectures),
            lectures);
    }

    public static double Percentage(int completed, int total) =>
        total <= 0 ? 0 : Math.Round(100.0 * Math.Min(completed, total) / total, 1, MidpointRounding.AwayFromZero);
}
