using System.ComponentModel;
using System.Text.Json.Serialization;

namespace LearnProgress.Core.Assessments;

/// <summary>Something a learner can master; quiz items name the skills they observe.</summary>
[ImmutableObject(true)]
public sealed record Skill(string Id, string Name, string? Description);

/// <summary>One scored question of a quiz and the skills its result is evidence of.</summary>
[ImmutableObject(true)]
public sealed record QuizItem(string ItemId, double MaxPoints, IReadOnlyList<string> Skills);

/// <summary>A quiz of a course. It passes at <see cref="PassPercent"/> of <see cref="MaxScore"/> or more.</summary>
[ImmutableObject(true)]
public sealed record Quiz(string CourseId, string QuizId, string Title, double PassPercent, IReadOnlyList<QuizItem> Items)
{
    [JsonIgnore]
    public double MaxScore => Items.Sum(i => i.MaxPoints);

    public QuizItem? FindItem(string itemId) => Items.FirstOrDefault(i => i.ItemId == itemId);
}

public enum CatalogWrite { Created, Updated, CourseNotFound }

/// <summary>The points a learner scored on one item.</summary>
public sealed record ItemResult(string ItemId, double Points);

/// <summary>
/// An attempt as the learner's client submitted it. <see cref="AttemptId"/> is the client's: a retry carries the same
/// id and body. Times are epoch milliseconds.
/// </summary>
public sealed record AttemptSubmission(
    string UserId, string AttemptId, string CourseId, string QuizId, long StartedAt, long SubmittedAt, IReadOnlyList<ItemResult> Items)
{
    /// <summary>Whether a stored attempt with this id is this very submission (a retry) rather than another body.</summary>
    public bool SameAs(StoredAttempt stored) =>
        stored.UserId == UserId && stored.AttemptId == AttemptId && stored.CourseId == CourseId && stored.QuizId == QuizId &&
        stored.StartedAt == StartedAt && stored.SubmittedAt == SubmittedAt &&
        stored.Items.Select(i => (i.ItemId, i.Points)).SequenceEqual(Items.Select(i => (i.ItemId, i.Points)));
}

/// <summary>An item's result with what the quiz said of the item when the attempt was scored.</summary>
public sealed record ScoredItem(string ItemId, double Points, double MaxPoints, IReadOnlyList<string> Skills)
{
    /// <summary>The share of the item's points scored, 0 to 1: the weight of the observation being correct.</summary>
    [JsonIgnore]
    public double Share => MaxPoints <= 0 ? 0 : Math.Clamp(Points / MaxPoints, 0, 1);
}

/// <summary>A skill's mastery after an attempt and how much that attempt moved it.</summary>
public sealed record SkillChange(string SkillId, double Mastery, double Change);

/// <summary>What the submitter is answered; kept with the attempt, so a retry is answered the same.</summary>
public sealed record AttemptResult(double Score, double MaxScore, double Percent, bool Passed, IReadOnlyList<SkillChange> Skills);

/// <summary>
/// A stored attempt. Its items carry the quiz's points and skills as they were when it was scored, so editing a quiz
/// later does not rewrite the evidence mastery is folded from.
/// </summary>
public sealed record StoredAttempt(
    string UserId, string AttemptId, string CourseId, string QuizId, long StartedAt, long SubmittedAt,
    IReadOnlyList<ScoredItem> Items, AttemptResult Result)
{
    [JsonIgnore]
    public double Percent => Result.Percent;

    [JsonIgnore]
    public bool Passed => Result.Passed;
}

/// <summary>How a submission ended: written now, or found already stored (a retry, or another body under its id).</summary>
public sealed record AttemptWrite(StoredAttempt Attempt, bool Created, IReadOnlyList<Events.LearningEvent> Events);

/// <summary>What a submission writes: the attempt and the events it causes, in one write.</summary>
public sealed record AttemptPlan(StoredAttempt Attempt, IReadOnlyList<Events.LearningEvent> Events);
