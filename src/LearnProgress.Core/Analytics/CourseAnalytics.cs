using LearnProgress.Core.Catalog;
using LearnProgress.Core.Progress;

namespace LearnProgress.Core.Analytics;

/// <summary>One learner's stored state of one lecture, as the course's analytics read it.</summary>
public sealed record LearnerLecture(string UserId, string LectureId, Coverage Coverage, bool Completed);

/// <summary>
/// One lecture's audience: learners who started it, who completed it, their mean coverage, and the retention curve:
/// for each 1 % of the lecture, the share of starters whose played footage includes it.
/// </summary>
public sealed record LectureAnalytics(string LectureId, double DurationSeconds, int Started, int Completed, double MeanCoverage, IReadOnlyList<double> Retention);

/// <summary>Learners of the course by the share of its lectures they completed.</summary>
public sealed record CourseFunnel(int Started, int Quarter, int Half, int ThreeQuarters, int Completed);

/// <summary>A course's analytics as computed at <see cref="ComputedAt"/> from the stored learning record.</summary>
public sealed record CourseAnalytics(string CourseId, DateTimeOffset ComputedAt, CourseFunnel Funnel, IReadOnlyList<LectureAnalytics> Lectures);

/// <summary>The rules of a course's analytics: exact, from each learner's coverage intervals, by one sweep per lecture.</summary>
public static class CourseAnalyticsRules
{
    /// <summary>Points of a retention curve: one per 1 % of the lecture.</summary>
    public const int Points = 100;

    /// <summary>
    /// Each lecture's figures and curve, and the course's funnel. A learner has started a lecture with any footage
    /// played or once it is complete. Point i of a curve stands for the i-th 1 % of the lecture and counts a learner
    /// whose coverage contains its middle; the sweep adds +1 where an interval's first point is and −1 after its last,
    /// so the cost is one step per stored interval plus 100, whatever the intervals' lengths.
    /// </summary>
    public static CourseAnalytics Compute(Course course, IReadOnlyList<LearnerLecture> rows, DateTimeOffset computedAt)
    {
        var byLecture = rows.ToLookup(r => r.LectureId, StringComparer.Ordinal);
        var lectures = new List<LectureAnalytics>(course.Lectures.Count);
        var completedBy = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var lecture in course.Lectures)
        {
            var sweep = new int[Points + 1];
            int started = 0, completed = 0;
            var coverage = 0.0;
            foreach (var row in byLecture[lecture.Id])
            {
                if (row.Coverage.Intervals.Count == 0 && !row.Completed) continue;
                started++;
                completedBy[row.UserId] = completedBy.GetValueOrDefault(row.UserId) + (row.Completed ? 1 : 0);
                if (row.Completed) completed++;
                coverage += row.Coverage.FractionOf(lecture.DurationSeconds);
                foreach (var interval in row.Coverage.Intervals)
                {
                    var (first, last) = PointsOf(interval, lecture.DurationSeconds);
                    if (first > last) continue;
                    sweep[first]++;
                    sweep[last + 1]--;
                }
            }
            var retention = new double[Points];
            for (int i = 0, running = 0; i < Points; i++)
            {
                running += sweep[i];
                retention[i] = started == 0 ? 0 : Math.Round((double)running / started, 4);
            }
            lectures.Add(new LectureAnalytics(lecture.Id, lecture.DurationSeconds, started, completed,
                started == 0 ? 0 : Math.Round(coverage / started, 4), retention));
        }

        var shares = completedBy.Values.Select(c => CourseProgressView.Percentage(c, course.TotalLectures)).ToList();
        var funnel = new CourseFunnel(shares.Count, shares.Count(s => s >= 25), shares.Count(s => s >= 50), shares.Count(s => s >= 75),
            shares.Count(s => s >= 100));
        return new CourseAnalytics(course.Id, computedAt, funnel, lectures);
    }

    /// <summary>The first and last curve points whose middle lies inside the interval; first &gt; last when none does.</summary>
    private static (int First, int Last) PointsOf(Coverage.Interval interval, double duration)
    {
        if (duration <= 0) return (1, 0);
        var first = (int)Math.Ceiling(interval.Start * Points / duration - 0.5);
        var last = (int)Math.Floor(interval.End * Points / duration - 0.5);
        return (Math.Max(0, first), Math.Min(Points - 1, last));
    }
}

/// <summary>Where course analytics are read from and kept.</summary>
public interface ICourseAnalyticsStore
{
    /// <summary>Every course in the catalog.</summary>
    Task<IReadOnlyList<string>> ListCoursesAsync(CancellationToken cancellationToken = default);

    /// <summary>Every learner's stored lectures of the course.</summary>
    Task<IReadOnlyList<LearnerLecture>> ReadCourseAsync(string courseId, CancellationToken cancellationToken = default);

    Task SaveAsync(CourseAnalytics analytics, CancellationToken cancellationToken = default);

    /// <summary>The analytics last saved for the course; null before the first computation.</summary>
    Task<CourseAnalytics?> ReadAsync(string courseId, CancellationToken cancellationToken = default);
}

/// <summary>
/// Recomputes course analytics from the store, off the read path: a recurring job refreshes every course, so a read
/// is one stored document whatever the number of learners.
/// </summary>
public sealed class CourseAnalyticsRefresher(ICourseAnalyticsStore store, ICourseCatalog catalog, TimeProvider time)
{
    public async Task<CourseAnalytics?> RefreshAsync(string courseId, CancellationToken ct = default)
    {
        using var span = Telemetry.ProgressTracing.Source.StartActivity(Telemetry.ProgressTracing.AnalyticsRefresh);
        span?.SetTag("learnprogress.course", courseId);
        if (await catalog.GetCourseAsync(courseId, ct) is not { } course) return null;
        var analytics = CourseAnalyticsRules.Compute(course, await store.ReadCourseAsync(courseId, ct), time.GetUtcNow());
        await store.SaveAsync(analytics, ct);
        return analytics;
    }

    public async Task<int> RefreshAllAsync(CancellationToken ct = default)
    {
        var refreshed = 0;
        foreach (var courseId in await store.ListCoursesAsync(ct))
            if (await RefreshAsync(courseId, ct) is not null) refreshed++;
        return refreshed;
    }
}
