using LearnProgress.Core.Analytics;
using LearnProgress.Core.Assessments;

namespace LearnProgress.Core.Certifications;

public static class RequirementKinds
{
    public const string Course = "course";
    public const string Quiz = "quiz";
    public const string Skill = "skill";
}

/// <summary>
/// One requirement with where the learner stands: <see cref="Current"/> in the unit of <see cref="Required"/> (percent
/// of lectures completed, best quiz percent, or mastery 0 to 1).
/// </summary>
public sealed record RequirementStatus(string Kind, string? CourseId, string? QuizId, string? SkillId, double Required, double Current, bool Met)
{
    /// <summary>How far towards the requirement, 0 to 1.</summary>
    public double Share => Met || Required <= 0 ? 1 : Math.Clamp(Current / Required, 0, 1);

    /// <summary>The requirement in words, with invariant numbers whatever the server's culture.</summary>
    public string Describe() => Kind switch
    {
        RequirementKinds.Course => FormattableString.Invariant($"course '{CourseId}' completed to {Required}% (now {Current}%)"),
        RequirementKinds.Quiz => FormattableString.Invariant($"quiz '{QuizId}' of course '{CourseId}' passed with {Required}% (best {Current}%)"),
        _ => FormattableString.Invariant($"skill '{SkillId}' mastered to {Required} (now {Current})"),
    };
}

/// <summary>A learner's standing towards one certification.</summary>
public sealed record CertificationProgress(
    string CertificationId, IReadOnlyList<RequirementStatus> Requirements, double Progress, bool Eligible, DateOnly? EstimatedDate)
{
    public IEnumerable<RequirementStatus> Missing => Requirements.Where(r => !r.Met);
}

/// <summary>
/// What the rules need to know of the learner: completion percent per course, every stored attempt, the footage left
/// per course (seconds not yet played of lectures not complete), and the recent pace.
/// </summary>
public sealed record LearnerStanding(
    IReadOnlyDictionary<string, double> CourseCompletion,
    IReadOnlyList<StoredAttempt> Attempts,
    IReadOnlyDictionary<string, double> RemainingSeconds,
    RecentPace Pace,
    DateOnly Today);

/// <summary>
/// The certification rules: a requirement is met when the learner's value reaches the required one; the learner is
/// eligible when every requirement is met. Progress is the mean share over the requirements. The estimated date uses
/// the course-estimate rule (<see cref="RecentPace.Finish"/>) on the footage the unmet course requirements still need;
/// quizzes and skills have no pace, so an unmet one leaves the date unknown.
/// </summary>
public static class Eligibility
{
    public const int Decimals = 4;

    public static CertificationProgress Evaluate(Certification certification, LearnerStanding learner)
    {
        var statuses = new List<RequirementStatus>(certification.Requirements.Count);
        foreach (var course in certification.Requirements.Courses)
        {
            var current = learner.CourseCompletion.GetValueOrDefault(course.CourseId);
            statuses.Add(new RequirementStatus(RequirementKinds.Course, course.CourseId, null, null, course.MinCompletion, current, current >= course.MinCompletion));
        }

        var distinct = Mastery.Distinct(learner.Attempts);
        foreach (var quiz in certification.Requirements.Quizzes)
        {
            var best = distinct.Where(a => a.CourseId == quiz.CourseId && a.QuizId == quiz.QuizId).Select(a => a.Percent).DefaultIfEmpty(0).Max();
            statuses.Add(new RequirementStatus(RequirementKinds.Quiz, quiz.CourseId, quiz.QuizId, null, quiz.MinPercent, best, best >= quiz.MinPercent));
        }

        var mastery = certification.Requirements.Skills.Count == 0
            ? new Dictionary<string, double>()
            : Mastery.PerSkill(distinct).ToDictionary(m => m.SkillId, m => m.Mastery, StringComparer.Ordinal);
        foreach (var skill in certification.Requirements.Skills)
        {
            var current = Math.Round(mastery.GetValueOrDefault(skill.SkillId), Decimals);
            statuses.Add(new RequirementStatus(RequirementKinds.Skill, null, null, skill.SkillId, skill.MinMastery, current, current >= skill.MinMastery));
        }

        var eligible = statuses.All(s => s.Met);
        var progress = statuses.Count == 0 ? 1 : Math.Round(statuses.Average(s => s.Share), Decimals);
        return new CertificationProgress(certification.Id, statuses, progress, eligible, eligible ? null : Estimate(statuses, learner));
    }

    /// <summary>
    /// The footage a course requirement still needs: the course's footage left, times the share of the missing
    /// completion points among those not yet reached (a course needed to 50 % from 0 % needs half of what is left).
    /// </summary>
    public static double NeededSeconds(RequirementStatus course, double remainingSeconds)
    {
        if (course.Met || remainingSeconds <= 0) return 0;
        var open = 100 - course.Current;
        return open <= 0 ? 0 : remainingSeconds * Math.Clamp((course.Required - course.Current) / open, 0, 1);
    }

    private static DateOnly? Estimate(IReadOnlyList<RequirementStatus> statuses, LearnerStanding learner)
    {
        if (statuses.Any(s => !s.Met && s.Kind != RequirementKinds.Course)) return null;
        var needed = statuses.Where(s => !s.Met)
            .Sum(s => NeededSeconds(s, learner.RemainingSeconds.GetValueOrDefault(s.CourseId!)));
        return learner.Pace.Finish(needed, learner.Today);
    }
}
