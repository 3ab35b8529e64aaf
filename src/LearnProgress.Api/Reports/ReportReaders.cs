using LearnProgress.Api.Achievements;
using LearnProgress.Api.Certifications;
using LearnProgress.Api.Learners;
using LearnProgress.Core;
using LearnProgress.Core.Achievements;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.Assessments;
using LearnProgress.Core.Certifications;
using LearnProgress.Core.Goals;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Record;

namespace LearnProgress.Api.Reports;

/// <summary>Gathers what next steps are decided from, through the merged record, and asks the rule.</summary>
public sealed class NextStepsReader(
    LearningRecord record, LearnerZones zones, IAssessmentStore assessments, AchievementService achievements, ILearnerSettings settings,
    ICertificationStore certifications, CertificationStandings standings, TimeProvider time)
{
    public async Task<IReadOnlyList<NextStep>> ReadAsync(string userId, CancellationToken ct)
    {
        var zone = await zones.GetAsync(userId, ct);
        var today = LearnerClock.Today(time, zone);
        var courses = await record.CourseStatesAsync(userId, zone, ct);
        var student = await record.StudentAsync(userId, zone, today, ct);
        var attempts = await assessments.ReadLearnerAttemptsAsync(userId, ct);
        var skills = Mastery.PerSkill(attempts);
        var quizzes = new List<Quiz>();
        if (skills.Count > 0)
            foreach (var courseId in courses.Select(c => c.Course.Id).Concat(attempts.Select(a => a.CourseId)).Distinct(StringComparer.Ordinal))
                quizzes.AddRange(await assessments.ListQuizzesAsync(courseId, ct));
        var names = skills.Count == 0 ? new Dictionary<string, string>()
            : (await assessments.ListSkillsAsync(ct)).ToDictionary(s => s.Id, s => s.Name, StringComparer.Ordinal);
        var progress = await achievements.EvaluateAsync(userId, ct);
        return NextSteps.Plan(new NextStepsInput(courses, skills, names, quizzes, student.CurrentStreak, student.LastActiveDate == today,
            progress.Where(p => p.Earned is not null).Select(p => p.Earned!).ToList(), progress.Select(p => p.Rule).ToList(), today,
            await ThisWeeksGoalAsync(userId, zone, today, ct), await UnheldCertificationsAsync(userId, ct)));
    }

    private async Task<IReadOnlyList<CertificationStanding>> UnheldCertificationsAsync(string userId, CancellationToken ct)
    {
        var all = await certifications.ListCertificationsAsync(ct);
        if (all.Count == 0) return [];
        var now = time.GetUtcNow();
        var held = (await certifications.ReadLearnerCredentialsAsync(userId, ct)).Where(c => c.IsCurrent(now))
            .Select(c => c.CertificationId).ToHashSet(StringComparer.Ordinal);
        var open = all.Where(c => !held.Contains(c.Id)).ToList();
        if (open.Count == 0) return [];
        var standing = await standings.ReadAsync(userId, open, ct);
        return open.Select(c => new CertificationStanding(c.Id, c.Title, Eligibility.Evaluate(c, standing))).ToList();
    }

    private async Task<WeekGoalProgress?> ThisWeeksGoalAsync(string userId, TimeZoneInfo zone, DateOnly today, CancellationToken ct)
    {
        var history = await settings.GetGoalsAsync(userId, ct);
        if (history.Count == 0) return null;
        var weekStart = await settings.GetWeekStartAsync(userId, ct) ?? WeekDays.Default;
        return WeeklyGoals.WithGoals(await record.WeeklyAsync(userId, zone, today, 1, weekStart, ct), history, today)[^1].Goal;
    }
}

/// <summary>Reads a learner's week through the merged record and builds its report.</summary>
public sealed class WeeklyReportReader(LearningRecord record, LearnerZones zones, AchievementService achievements, NextStepsReader next, TimeProvider time)
{
    public async Task<DateOnly> TodayAsync(string userId, CancellationToken ct) => LearnerClock.Today(time, await zones.GetAsync(userId, ct));

    public async Task<WeeklyReport> ReadAsync(string userId, DateOnly monday, CancellationToken ct)
    {
        var zone = await zones.GetAsync(userId, ct);
        var end = monday.AddDays(6);
        var days = await record.HeatmapAsync(userId, zone, end, 14, ct);
        var runs = await record.RunsAsync(userId, zone, end.AddDays(-1), ct);
        var earned = (await achievements.EvaluateAsync(userId, ct))
            .Where(p => p.Earned is not null).Select(p => new ReportAchievement(p.Rule.Id, p.Rule.Title, p.Earned!.Day)).ToList();
        return WeeklyReports.Build(monday, zone.Id, days, WeeklyReports.StreakAt(runs, end), earned, await next.ReadAsync(userId, ct));
    }
}
