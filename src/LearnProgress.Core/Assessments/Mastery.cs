namespace LearnProgress.Core.Assessments;

/// <summary>A learner's standing in one skill, folded from every stored attempt that observed it.</summary>
public sealed record SkillMastery(string SkillId, double Mastery, bool Mastered, int Observations, long LastAssessed, double? Trend);

/// <summary>
/// Mastery per skill from a learner's stored attempts. Attempts are taken once per id (a retry is one attempt) and
/// folded in (submittedAt, attemptId, item order), so a late attempt lands in its place and arrival order never matters.
/// </summary>
public static class Mastery
{
    /// <summary>How many of the latest attempts of a skill its trend looks at.</summary>
    public const int TrendWindow = 5;

    public static IReadOnlyList<StoredAttempt> Distinct(IEnumerable<StoredAttempt> attempts) =>
        attempts.GroupBy(a => a.AttemptId, StringComparer.Ordinal).Select(g => g.First())
            .OrderBy(a => a.SubmittedAt).ThenBy(a => a.AttemptId, StringComparer.Ordinal).ToList();

    public static IEnumerable<Observation> Observations(IEnumerable<StoredAttempt> attempts, string skillId) =>
        Distinct(attempts).SelectMany(a => a.Items
            .Select((item, index) => (item, index))
            .Where(x => x.item.Skills.Contains(skillId, StringComparer.Ordinal))
            .Select(x => new Observation(a.SubmittedAt, a.AttemptId, x.index, x.item.Share)));

    public static double Of(IEnumerable<StoredAttempt> attempts, string skillId, BktParameters? parameters = null) =>
        Bkt.Fold(Observations(attempts, skillId), parameters ?? BktParameters.Default);

    /// <summary>Every skill the attempts observed, by id.</summary>
    public static IReadOnlyList<SkillMastery> PerSkill(IEnumerable<StoredAttempt> attempts, Func<string, BktParameters>? parameters = null)
    {
        var distinct = Distinct(attempts);
        var result = new List<SkillMastery>();
        foreach (var skillId in distinct.SelectMany(a => a.Items).SelectMany(i => i.Skills).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var p = parameters?.Invoke(skillId) ?? BktParameters.Default;
            var known = p.PInit;
            var count = 0;
            long last = 0;
            // Mastery after each attempt that observed the skill, for its trend.
            var afterAttempt = new List<double>();
            foreach (var attempt in distinct)
            {
                var observed = false;
                foreach (var item in attempt.Items.Where(i => i.Skills.Contains(skillId, StringComparer.Ordinal)))
                {
                    known = Bkt.Update(known, item.Share, p);
                    count++;
                    observed = true;
                }
                if (!observed) continue;
                last = attempt.SubmittedAt;
                afterAttempt.Add(known);
            }
            result.Add(new SkillMastery(skillId, known, Bkt.IsMastered(known), count, last,
                Trends.Slope(afterAttempt.TakeLast(TrendWindow).ToList())));
        }
        return result;
    }
}
