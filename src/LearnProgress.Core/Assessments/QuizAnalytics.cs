namespace LearnProgress.Core.Assessments;

/// <summary>
/// One item of a quiz across every attempt at it. <see cref="Difficulty"/> is the mean share of its points scored
/// (1 = everyone got it); <see cref="Discrimination"/> is the Pearson (point-biserial for right/wrong items) correlation
/// of the item's share with the attempt's percent, null when either does not vary or fewer than two attempts exist.
/// </summary>
public sealed record ItemAnalytics(string QuizId, string ItemId, int Attempts, double? Difficulty, double? Discrimination);

/// <summary>How many learners of the course have a skill's mastery in each fifth of 0..1 (the last band includes 1).</summary>
public sealed record SkillDistribution(string SkillId, int Learners, IReadOnlyList<int> Bands, int Mastered);

public sealed record QuizAnalyticsReport(string CourseId, int Attempts, IReadOnlyList<ItemAnalytics> Items, IReadOnlyList<SkillDistribution> Skills);

public static class QuizAnalytics
{
    public const int Bands = 5;

    /// <summary>Over the course's attempts; each learner's mastery here is folded from their attempts in this course.</summary>
    public static QuizAnalyticsReport Of(string courseId, IReadOnlyList<Quiz> quizzes, IEnumerable<StoredAttempt> attempts)
    {
        var all = attempts.Where(a => a.CourseId == courseId)
            .GroupBy(a => (a.UserId, a.AttemptId)).Select(g => g.First()).ToList();
        var items = new List<ItemAnalytics>();
        foreach (var quiz in quizzes.OrderBy(q => q.QuizId, StringComparer.Ordinal))
        {
            var ofQuiz = all.Where(a => a.QuizId == quiz.QuizId).ToList();
            foreach (var item in quiz.Items)
            {
                var pairs = ofQuiz.SelectMany(a => a.Items.Where(i => i.ItemId == item.ItemId).Take(1).Select(i => (Share: i.Share, a.Percent / 100))).ToList();
                items.Add(new ItemAnalytics(quiz.QuizId, item.ItemId, pairs.Count,
                    pairs.Count == 0 ? null : Math.Round(pairs.Average(p => p.Share), 4),
                    Pearson(pairs) is { } r ? Math.Round(r, 4) : null));
            }
        }

        var skills = new List<SkillDistribution>();
        var byLearner = all.GroupBy(a => a.UserId, StringComparer.Ordinal).ToList();
        foreach (var skillId in quizzes.SelectMany(q => q.Items).SelectMany(i => i.Skills)
                     .Concat(all.SelectMany(a => a.Items).SelectMany(i => i.Skills)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var bands = new int[Bands];
            var learners = 0;
            var mastered = 0;
            foreach (var learner in byLearner)
            {
                if (!learner.Any(a => a.Items.Any(i => i.Skills.Contains(skillId, StringComparer.Ordinal)))) continue;
                var mastery = Mastery.Of(learner, skillId);
                bands[Math.Min(Bands - 1, (int)(mastery * Bands))]++;
                learners++;
                if (Bkt.IsMastered(mastery)) mastered++;
            }
            skills.Add(new SkillDistribution(skillId, learners, bands, mastered));
        }
        return new QuizAnalyticsReport(courseId, all.Count, items, skills);
    }

    /// <summary>Pearson correlation; null when undefined (fewer than two pairs, or either side constant).</summary>
    public static double? Pearson(IReadOnlyList<(double X, double Y)> pairs)
    {
        if (pairs.Count < 2) return null;
        var mx = pairs.Average(p => p.X);
        var my = pairs.Average(p => p.Y);
        double sxy = 0, sxx = 0, syy = 0;
        foreach (var (x, y) in pairs)
        {
            sxy += (x - mx) * (y - my);
            sxx += (x - mx) * (x - mx);
            syy += (y - my) * (y - my);
        }
        const double epsilon = 1e-12;
        if (sxx < epsilon || syy < epsilon) return null;
        return Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1, 1);
    }
}
