namespace LearnProgress.Core.Assessments;

public static class ReadinessLevels
{
    public const string Advanced = "advanced";
    public const string Proficient = "proficient";
    public const string Developing = "developing";
    public const string Beginner = "beginner";

    /// <summary>
    /// From recent quiz percents: mean ≥ 85 with population standard deviation &lt; 10 is advanced; mean ≥ 70 with
    /// deviation &lt; 15 proficient; mean ≥ 50 developing; else beginner. No percents, no readiness.
    /// </summary>
    public static string? Of(IReadOnlyList<double> percents)
    {
        if (percents.Count == 0) return null;
        var mean = percents.Average();
        var sd = Math.Sqrt(percents.Sum(p => (p - mean) * (p - mean)) / percents.Count);
        return mean >= 85 && sd < 10 ? Advanced
            : mean >= 70 && sd < 15 ? Proficient
            : mean >= 50 ? Developing
            : Beginner;
    }
}

public static class Trends
{
    /// <summary>Least-squares slope of the values against their index (change per step); null with fewer than two.</summary>
    public static double? Slope(IReadOnlyList<double> values)
    {
        var n = values.Count;
        if (n < 2) return null;
        var meanX = (n - 1) / 2.0;
        var meanY = values.Average();
        double num = 0, den = 0;
        for (var i = 0; i < n; i++)
        {
            num += (i - meanX) * (values[i] - meanY);
            den += (i - meanX) * (i - meanX);
        }
        return num / den;
    }
}

/// <summary>A learner's quizzes in one course, for the progress read.</summary>
public sealed record CourseAssessment(double? AverageScore, int QuizzesPassed, string? Readiness, double? Trend)
{
    /// <summary>How many of the latest attempts readiness and trend look at.</summary>
    public const int Window = 5;

    public static readonly CourseAssessment None = new(null, 0, null, null);

    /// <summary>
    /// <see cref="AverageScore"/> is the mean over attempted quizzes of each quiz's best percent (a learner who retakes
    /// a quiz is judged by the best result, and every attempted quiz counts once). <see cref="QuizzesPassed"/> counts
    /// quizzes with a passed attempt. Readiness and trend look at the percents of the latest five attempts by
    /// (submittedAt, attemptId); trend is their least-squares slope in percentage points per attempt.
    /// </summary>
    public static CourseAssessment Of(IEnumerable<StoredAttempt> attempts, string courseId)
    {
        var course = Mastery.Distinct(attempts).Where(a => a.CourseId == courseId).ToList();
        if (course.Count == 0) return None;
        var byQuiz = course.GroupBy(a => a.QuizId, StringComparer.Ordinal).ToList();
        var recent = course.TakeLast(Window).Select(a => a.Percent).ToList();
        return new CourseAssessment(
            Math.Round(byQuiz.Average(q => q.Max(a => a.Percent)), 2),
            byQuiz.Count(q => q.Any(a => a.Passed)),
            ReadinessLevels.Of(recent),
            Trends.Slope(recent) is { } slope ? Math.Round(slope, 2) : null);
    }
}
