using LearnProgress.Api.Courses;
using LearnProgress.Api.Learners;
using LearnProgress.Core;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.Certifications;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Record;

namespace LearnProgress.Api.Certifications;

/// <summary>Reads what the certification rules need of a learner: the same merged figures every other read shows.</summary>
public sealed class CertificationStandings(
    LearningRecord record, IAssessmentStore assessments, CatalogCache catalog, LearnerZones zones, TimeProvider time)
{
    public async Task<LearnerStanding> ReadAsync(string userId, IEnumerable<Certification> certifications, CancellationToken ct)
    {
        var zone = await zones.GetAsync(userId, ct);
        var today = LearnerClock.Today(time, zone);
        var attempts = assessments.ReadLearnerAttemptsAsync(userId, ct);
        var days = record.HeatmapAsync(userId, zone, today, LearnerAnalytics.PaceWindowDays, ct);
        var estimates = await record.EstimatesAsync(userId, zone, today, ct);
        var completion = estimates.ToDictionary(e => e.CourseId, e => e.Progress, StringComparer.Ordinal);
        var remaining = estimates.ToDictionary(e => e.CourseId, e => e.RemainingSeconds, StringComparer.Ordinal);
        // A required course the learner has not touched yet has all of its footage left.
        foreach (var courseId in certifications.SelectMany(c => c.Requirements.Courses).Select(c => c.CourseId).Distinct(StringComparer.Ordinal))
            if (!remaining.ContainsKey(courseId) && await catalog.GetAsync(courseId, ct) is { } course)
                remaining[courseId] = course.Lectures.Sum(l => l.DurationSeconds);
        return new LearnerStanding(completion, await attempts, remaining, LearnerAnalytics.Pace(await days, today), today);
    }
}
