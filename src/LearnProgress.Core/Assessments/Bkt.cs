namespace LearnProgress.Core.Assessments;

/// <summary>
/// The four parameters of Bayesian Knowledge Tracing (Corbett &amp; Anderson 1995): the chance the skill is known
/// before any evidence, of learning it at each opportunity, of answering right without knowing it, and of answering
/// wrong while knowing it.
/// </summary>
public sealed record BktParameters(double PInit, double PLearn, double PGuess, double PSlip)
{
    public static readonly BktParameters Default = new(0.2, 0.15, 0.2, 0.1);

    /// <summary>Mastery at or above this is mastered.</summary>
    public const double MasteredAt = 0.95;
}

/// <summary>One observation of a skill: the share of an item's points scored (1 right, 0 wrong, between: partial credit).</summary>
public readonly record struct Observation(long SubmittedAt, string AttemptId, int ItemIndex, double Share);

/// <summary>
/// Mastery as the probability that the skill is known, after a fold over its observations. Partial credit is a
/// fractional observation: the posterior is the mix of the right-answer and wrong-answer posteriors weighted by the
/// share of points, then the learning transition applies as usual. A share of 1 or 0 is exactly classic BKT.
/// </summary>
public static class Bkt
{
    public static double Update(double known, double share, BktParameters p)
    {
        var right = known * (1 - p.PSlip) / (known * (1 - p.PSlip) + (1 - known) * p.PGuess);
        var wrong = known * p.PSlip / (known * p.PSlip + (1 - known) * (1 - p.PGuess));
        var posterior = share * right + (1 - share) * wrong;
        return posterior + (1 - posterior) * p.PLearn;
    }

    /// <summary>Folds observations in the one order that does not depend on arrival: (submittedAt, attemptId, item order).</summary>
    public static double Fold(IEnumerable<Observation> observations, BktParameters p) =>
        Ordered(observations).Aggregate(p.PInit, (known, o) => Update(known, o.Share, p));

    public static IEnumerable<Observation> Ordered(IEnumerable<Observation> observations) =>
        observations.OrderBy(o => o.SubmittedAt).ThenBy(o => o.AttemptId, StringComparer.Ordinal).ThenBy(o => o.ItemIndex);

    public static bool IsMastered(double mastery) => mastery >= BktParameters.MasteredAt;
}
