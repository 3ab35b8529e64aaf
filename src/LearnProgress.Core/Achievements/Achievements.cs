using LearnProgress.Core.Events;

namespace LearnProgress.Core.Achievements;

/// <summary>What an achievement counts.</summary>
public enum AchievementMeasure
{
    LecturesCompleted,
    CoursesCompleted,
    LongestStreakDays,
    HoursWatched,
    /// <summary>Skills whose mastery reached the mastered threshold.</summary>
    SkillsMastered,
    /// <summary>The largest rise, in percentage points, from a quiz's first attempt to a later attempt of the same quiz.</summary>
    QuizImprovementPoints,
}

/// <summary>One achievement: earned once <see cref="Measure"/> reaches <see cref="Target"/>.</summary>
public sealed record AchievementRule(string Id, string Title, AchievementMeasure Measure, double Target);

/// <summary>A learner's figures the rules are conditions on, derived from the stored record (never counted on write).</summary>
public sealed record LearnerTotals(int LecturesCompleted, int CoursesCompleted, int LongestStreakDays, double WatchSeconds,
    int SkillsMastered = 0, double QuizImprovementPoints = 0)
{
    public double Of(AchievementMeasure measure) => measure switch
    {
        AchievementMeasure.LecturesCompleted => LecturesCompleted,
        AchievementMeasure.CoursesCompleted => CoursesCompleted,
        AchievementMeasure.LongestStreakDays => LongestStreakDays,
        AchievementMeasure.HoursWatched => Math.Floor(WatchSeconds / 36) / 100,
        AchievementMeasure.SkillsMastered => SkillsMastered,
        AchievementMeasure.QuizImprovementPoints => QuizImprovementPoints,
        _ => 0,
    };
}

public sealed record EarnedAchievement(string AchievementId, DateOnly Day);

public sealed record AchievementProgress(AchievementRule Rule, double Current, EarnedAchievement? Earned);

/// <summary>
/// Decides achievements from totals: what is newly earned (with its <c>achievement.awarded</c> event, whose id is
/// derived from the learner and the achievement, so awarding twice is one award) and how far each other one is.
/// </summary>
public sealed class AchievementRules(IReadOnlyList<AchievementRule> rules)
{
    public static readonly IReadOnlyList<AchievementRule> Defaults =
    [
        new("first-lecture", "First lecture completed", AchievementMeasure.LecturesCompleted, 1),
        new("first-course", "First course completed", AchievementMeasure.CoursesCompleted, 1),
        new("streak-7", "7-day streak", AchievementMeasure.LongestStreakDays, 7),
        new("streak-30", "30-day streak", AchievementMeasure.LongestStreakDays, 30),
        new("hours-10", "10 hours watched", AchievementMeasure.HoursWatched, 10),
        new("lectures-10", "10 lectures completed", AchievementMeasure.LecturesCompleted, 10),
        new("first-skill-mastered", "First skill mastered", AchievementMeasure.SkillsMastered, 1),
        new("skills-5", "5 skills mastered", AchievementMeasure.SkillsMastered, 5),
        new("quiz-improved-20", "Improved a quiz score by 20 points", AchievementMeasure.QuizImprovementPoints, 20),
    ];

    /// <summary>
    /// The largest rise from a quiz's first attempt (by submittedAt, attemptId) to any later attempt of that quiz, in
    /// percentage points; 0 without a second attempt. A fold over the stored attempts, so arrival order never matters.
    /// </summary>
    public static double QuizImprovement(IEnumerable<Assessments.StoredAttempt> attempts) =>
        Assessments.Mastery.Distinct(attempts).GroupBy(a => (a.CourseId, a.QuizId))
            .Select(quiz => quiz.Skip(1).Select(a => a.Percent - quiz.First().Percent).DefaultIfEmpty(0).Max())
            .DefaultIfEmpty(0).Max();

    public IReadOnlyList<AchievementRule> All => rules;

    public IReadOnlyList<AchievementProgress> Progress(LearnerTotals totals, IReadOnlyCollection<EarnedAchievement> earned) =>
        rules.Select(r => new AchievementProgress(r, Math.Min(totals.Of(r.Measure), r.Target),
            earned.FirstOrDefault(e => e.AchievementId == r.Id))).ToList();

    /// <summary>The rules reached and not yet earned, with the events that announce them.</summary>
    public IReadOnlyList<(EarnedAchievement Award, LearningEvent Event)> NewlyEarned(
        string userId, LearnerTotals totals, IReadOnlyCollection<EarnedAchievement> earned, DateOnly today, DateTimeOffset now) =>
        rules.Where(r => totals.Of(r.Measure) >= r.Target && earned.All(e => e.AchievementId != r.Id))
            .Select(r => (new EarnedAchievement(r.Id, today),
                LearningEvent.Create(EventTypes.AchievementAwarded, userId, r.Id, now, new AchievementAwardedData(userId, r.Id, r.Title, today))))
            .ToList();
}

/// <summary>Awards kept per learner, written with their events in one write.</summary>
public interface IAchievementStore
{
    Task<IReadOnlyList<EarnedAchievement>> ReadEarnedAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Adds the awards not held yet, and their events, atomically; returns the events of the awards it added.</summary>
    Task<IReadOnlyList<LearningEvent>> AwardAsync(string userId, IReadOnlyList<(EarnedAchievement Award, LearningEvent Event)> awards,
        CancellationToken cancellationToken = default);
}
