using System.Globalization;
using LearnProgress.Core.Achievements;
using LearnProgress.Core.Assessments;
using LearnProgress.Core.Catalog;
using LearnProgress.Core.Certifications;
using LearnProgress.Core.Goals;
using LearnProgress.Core.Progress;

namespace LearnProgress.Core.Analytics;

/// <summary>What a next step asks of the learner.</summary>
public static class NextStepKinds
{
    public const string Continue = "continue";
    public const string NextLecture = "next-lecture";
    public const string ReviewSkill = "review-skill";
    public const string Milestone = "milestone";
}

/// <summary>A quiz that observes a skill.</summary>
public sealed record QuizRef(string CourseId, string QuizId, string Title);

/// <summary>
/// One suggestion with the reason for it. Course steps name the lecture (and where to resume it); skill steps the skill,
/// its mastery and the quizzes that train it; milestones the achievement and the day it would be earned.
/// </summary>
public sealed record NextStep(
    string Kind, string Reason,
    string? CourseId = null, string? LectureId = null, double? Position = null,
    string? SkillId = null, double? Mastery = null, IReadOnlyList<QuizRef>? Quizzes = null,
    string? AchievementId = null, DateOnly? EstimatedDate = null, string? CertificationId = null);

/// <summary>A certification the learner holds no current credential for, with where the learner stands.</summary>
public sealed record CertificationStanding(string CertificationId, string Title, CertificationProgress Progress);

/// <summary>A course the learner touched, with the merged progress of its lectures.</summary>
public sealed record CourseState(Course Course, IReadOnlyDictionary<string, LectureProgress> Lectures);

/// <summary>Everything next steps are decided from, read from the merged record at one moment.</summary>
public sealed record NextStepsInput(
    IReadOnlyList<CourseState> Courses,
    IReadOnlyList<SkillMastery> Skills,
    IReadOnlyDictionary<string, string> SkillNames,
    IReadOnlyList<Quiz> Quizzes,
    int CurrentStreak,
    bool TodayActive,
    IReadOnlyCollection<EarnedAchievement> Earned,
    IReadOnlyList<AchievementRule> Rules,
    DateOnly Today,
    WeekGoalProgress? Goal = null,
    IReadOnlyList<CertificationStanding>? Certifications = null);

/// <summary>
/// The rules of next steps: continue the lecture last left unfinished in each course, the next lecture in course order
/// after the furthest completed one, the weakest skills not yet mastered with the quizzes that train them, and the next
/// streak achievement with the day it would be earned by studying every day from today.
/// </summary>
public static class NextSteps
{
    public const int MaxSkills = 3;

    public static IReadOnlyList<NextStep> Plan(NextStepsInput input)
    {
        var steps = new List<NextStep>();
        var resumes = new List<(long At, NextStep Step)>();
        var nexts = new List<NextStep>();
        foreach (var (course, lectures) in input.Courses.OrderBy(c => c.Course.Id, StringComparer.Ordinal))
        {
            var unfinished = course.Lectures
                .Select(l => (Lecture: l, Progress: lectures.GetValueOrDefault(l.Id)))
                .Where(x => x.Progress is { Completed: false, Position: > 0 })
                .OrderByDescending(x => x.Progress!.UpdatedAt).ThenBy(x => x.Lecture.Id, StringComparer.Ordinal)
                .FirstOrDefault();
            if (unfinished.Lecture is { } lecture)
                resumes.Add((unfinished.Progress!.UpdatedAt, new NextStep(NextStepKinds.Continue,
                    $"Continue \u201c{lecture.Title}\u201d in {course.Title} at {Clock(unfinished.Progress.Position)}, where you stopped.",
                    course.Id, lecture.Id, unfinished.Progress.Position)));

            var lastCompleted = course.Lectures.Select((l, i) => (l, i)).Where(x => lectures.GetValueOrDefault(x.l.Id)?.Completed == true)
                .Select(x => x.i).DefaultIfEmpty(-1).Max();
            if (lastCompleted < 0) continue;
            var next = course.Lectures.Skip(lastCompleted + 1).FirstOrDefault(l => lectures.GetValueOrDefault(l.Id)?.Completed != true);
            if (next is null || next.Id == unfinished.Lecture?.Id) continue;
            nexts.Add(new NextStep(NextStepKinds.NextLecture,
                $"Next in {course.Title}: \u201c{next.Title}\u201d comes after \u201c{course.Lectures[lastCompleted].Title}\u201d, which you completed.",
                course.Id, next.Id, lectures.GetValueOrDefault(next.Id)?.Position ?? 0));
        }
        steps.AddRange(resumes.OrderByDescending(r => r.At).ThenBy(r => r.Step.CourseId, StringComparer.Ordinal).Select(r => r.Step));
        steps.AddRange(nexts);

        foreach (var skill in input.Skills.Where(s => !s.Mastered).OrderBy(s => s.Mastery).ThenBy(s => s.SkillId, StringComparer.Ordinal).Take(MaxSkills))
        {
            var quizzes = input.Quizzes.Where(q => q.Items.Any(i => i.Skills.Contains(skill.SkillId, StringComparer.Ordinal)))
                .OrderBy(q => q.CourseId, StringComparer.Ordinal).ThenBy(q => q.QuizId, StringComparer.Ordinal)
                .Select(q => new QuizRef(q.CourseId, q.QuizId, q.Title)).ToList();
            var name = input.SkillNames.GetValueOrDefault(skill.SkillId, skill.SkillId);
            var mastery = Math.Round(skill.Mastery, AttemptPlanner.MasteryDecimals);
            steps.Add(new NextStep(NextStepKinds.ReviewSkill,
                $"Review {name}: mastery {Number(mastery)} is below {Number(BktParameters.MasteredAt)}" +
                (quizzes.Count > 0 ? $"; practise with {string.Join(", ", quizzes.Select(q => $"\u201c{q.Title}\u201d"))}." : "."),
                SkillId: skill.SkillId, Mastery: mastery, Quizzes: quizzes));
        }

        if (NextStreakMilestone(input) is { } milestone) steps.Add(milestone);
        if (WeeklyGoalMilestone(input) is { } goal) steps.Add(goal);
        steps.AddRange(CertificationMilestones(input));
        return steps;
    }

    public const int MaxCertifications = 2;

    /// <summary>
    /// The certifications closest to earned (an eligible one first, then by progress), those the learner has started:
    /// an eligible one asks for its credential today; another names its next missing requirement and the date its course
    /// requirements would be met at the recent pace (null while a quiz or skill is missing).
    /// </summary>
    private static IEnumerable<NextStep> CertificationMilestones(NextStepsInput input) =>
        (input.Certifications ?? []).Where(c => c.Progress.Eligible || c.Progress.Progress > 0)
            .OrderByDescending(c => c.Progress.Eligible).ThenByDescending(c => c.Progress.Progress).ThenBy(c => c.CertificationId, StringComparer.Ordinal)
            .Take(MaxCertifications)
            .Select(c => c.Progress.Eligible
                ? new NextStep(NextStepKinds.Milestone, $"Every requirement of \u201c{c.Title}\u201d is met: get its credential.",
                    EstimatedDate: input.Today, CertificationId: c.CertificationId)
                : new NextStep(NextStepKinds.Milestone,
                    $"\u201c{c.Title}\u201d: {c.Progress.Requirements.Count(r => r.Met)} of {c.Progress.Requirements.Count} requirements met; next, {c.Progress.Missing.First().Describe()}.",
                    EstimatedDate: c.Progress.EstimatedDate, CertificationId: c.CertificationId));

    /// <summary>This week's goal while it is not met: what is left of each target, by the week's last day.</summary>
    private static NextStep? WeeklyGoalMilestone(NextStepsInput input)
    {
        if (input.Goal is not { Met: false, DaysLeft: { } daysLeft } goal) return null;
        var left = new List<string>();
        if (goal.MinutesLeft > 0) left.Add($"{Number(goal.MinutesLeft)} more minute{(goal.MinutesLeft == 1 ? "" : "s")}");
        if (goal.LecturesLeft > 0) left.Add($"{goal.LecturesLeft} more lecture{(goal.LecturesLeft == 1 ? "" : "s")}");
        var lastDay = input.Today.AddDays(daysLeft - 1);
        return new NextStep(NextStepKinds.Milestone,
            $"Play {string.Join(" and complete ", left)} by {lastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} to meet this week's goal.",
            EstimatedDate: lastDay);
    }

    /// <summary>
    /// The smallest streak achievement not earned yet. The current streak runs to today, or to yesterday while today is
    /// not active yet, so it reaches the target on today + (target − streak), one day sooner while today is still open.
    /// </summary>
    private static NextStep? NextStreakMilestone(NextStepsInput input)
    {
        var rule = input.Rules.Where(r => r.Measure == AchievementMeasure.LongestStreakDays && input.Earned.All(e => e.AchievementId != r.Id))
            .OrderBy(r => r.Target).ThenBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault();
        if (rule is null) return null;
        var target = (int)Math.Ceiling(rule.Target);
        var remaining = Math.Max(0, target - input.CurrentStreak);
        var date = input.Today.AddDays(input.TodayActive ? remaining : Math.Max(0, remaining - 1));
        return new NextStep(NextStepKinds.Milestone,
            $"Study {remaining} more day{(remaining == 1 ? "" : "s")} in a row to earn \u201c{rule.Title}\u201d (streak now {input.CurrentStreak}).",
            AchievementId: rule.Id, EstimatedDate: date);
    }

    /// <summary>A position as m:ss (or h:mm:ss), the way players show it.</summary>
    public static string Clock(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Floor(Math.Max(0, seconds)));
        return t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:00}");
    }

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
