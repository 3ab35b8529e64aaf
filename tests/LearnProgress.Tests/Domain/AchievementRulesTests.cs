using LearnProgress.Core.Achievements;
using LearnProgress.Core.Assessments;
using LearnProgress.Core.Events;

namespace LearnProgress.Tests.Domain;

public sealed class AchievementRulesTests
{
    private static readonly DateOnly Today = new(2026, 7, 1);
    private static readonly DateTimeOffset Now = new(2026, 7, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly AchievementRules _rules = new(AchievementRules.Defaults);

    [Fact]
    public void The_defaults_are_reached_by_the_totals_they_name()
    {
        var totals = new LearnerTotals(LecturesCompleted: 10, CoursesCompleted: 0, LongestStreakDays: 7, WatchSeconds: 36_000);

        var earned = _rules.NewlyEarned("u1", totals, [], Today, Now);

        Assert.Equal(["first-lecture", "streak-7", "hours-10", "lectures-10"], earned.Select(e => e.Award.AchievementId));
        Assert.All(earned, e => Assert.Equal(EventTypes.AchievementAwarded, e.Event.Type));
        Assert.Equal(EventIds.For(EventTypes.AchievementAwarded, "u1", "streak-7"), earned[1].Event.Id);
        Assert.Equal("""{"userId":"u1","achievementId":"streak-7","title":"7-day streak","day":"2026-07-01"}""", earned[1].Event.Data);
    }

    [Fact]
    public void An_earned_achievement_is_not_earned_again_and_one_just_short_is_not_earned()
    {
        var totals = new LearnerTotals(9, 1, 29, 35_999);
        var held = new[] { new EarnedAchievement("first-lecture", Today.AddDays(-3)) };

        var earned = _rules.NewlyEarned("u1", totals, held, Today, Now);

        Assert.Equal(["first-course", "streak-7"], earned.Select(e => e.Award.AchievementId));
    }

    [Fact]
    public void Progress_is_capped_at_the_target_and_carries_the_earned_day()
    {
        var held = new[] { new EarnedAchievement("first-lecture", Today.AddDays(-3)) };

        var progress = _rules.Progress(new LearnerTotals(4, 0, 2, 9_000), held);

        Assert.Equal(Today.AddDays(-3), progress.Single(p => p.Rule.Id == "first-lecture").Earned!.Day);
        Assert.Equal(1, progress.Single(p => p.Rule.Id == "first-lecture").Current);
        Assert.Equal(4, progress.Single(p => p.Rule.Id == "lectures-10").Current);
        Assert.Equal(2.5, progress.Single(p => p.Rule.Id == "hours-10").Current);
        Assert.Null(progress.Single(p => p.Rule.Id == "streak-7").Earned);
    }

    [Fact]
    public void Mastered_skills_and_a_quiz_improvement_earn_their_achievements()
    {
        var totals = new LearnerTotals(0, 0, 0, 0, SkillsMastered: 1, QuizImprovementPoints: 20);

        var earned = _rules.NewlyEarned("u1", totals, [], Today, Now);

        Assert.Equal(["first-skill-mastered", "quiz-improved-20"], earned.Select(e => e.Award.AchievementId));
    }

    private static StoredAttempt Attempt(string id, string quiz, long at, double percent) =>
        new("u1", id, "c1", quiz, at - 1_000, at, [], new AttemptResult(percent, 100, percent, percent >= 60, []));

    [Fact]
    public void Quiz_improvement_is_the_best_rise_over_a_quizs_first_attempt_whatever_the_order()
    {
        var attempts = new[]
        {
            Attempt("a1", "q1", 1_000, 40), Attempt("a3", "q1", 3_000, 55), Attempt("a2", "q1", 2_000, 75),
            Attempt("b1", "q2", 1_000, 90), Attempt("b2", "q2", 2_000, 60), Attempt("c1", "q3", 5_000, 10),
        };

        Assert.Equal(35, AchievementRules.QuizImprovement(attempts));
        Assert.Equal(35, AchievementRules.QuizImprovement(attempts.Reverse().Concat(attempts)));
        Assert.Equal(0, AchievementRules.QuizImprovement(attempts.Where(a => a.QuizId != "q1")));
        Assert.Equal(0, AchievementRules.QuizImprovement([]));
    }
}
