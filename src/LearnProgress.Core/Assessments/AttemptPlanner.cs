using LearnProgress.Core.Events;

namespace LearnProgress.Core.Assessments;

/// <summary>
/// Scores a submission against its quiz and decides what writing it causes, from the learner's stored attempts. Pure:
/// the store loads the history, calls this, and writes the plan with its events in one write.
/// </summary>
public static class AttemptPlanner
{
    /// <summary>Mastery in answers and events is rounded to this many decimals; folds use full precision.</summary>
    public const int MasteryDecimals = 4;

    /// <param name="history">The learner's stored attempts (any order; this submission's id is not among them).</param>
    public static AttemptPlan Plan(Quiz quiz, AttemptSubmission submission, IReadOnlyList<StoredAttempt> history, DateTimeOffset now,
        Func<string, BktParameters>? parameters = null)
    {
        var items = submission.Items.Select(r =>
        {
            var item = quiz.FindItem(r.ItemId) ?? throw new ArgumentException($"Quiz '{quiz.QuizId}' has no item '{r.ItemId}'.", nameof(submission));
            return new ScoredItem(r.ItemId, r.Points, item.MaxPoints, item.Skills);
        }).ToList();
        var score = items.Sum(i => i.Points);
        var maxScore = quiz.MaxScore;
        var percent = maxScore <= 0 ? 0 : Math.Round(100 * score / maxScore, 2);
        var passed = percent >= quiz.PassPercent;

        var before = history.Where(a => a.AttemptId != submission.AttemptId).ToList();
        var draft = new StoredAttempt(submission.UserId, submission.AttemptId, submission.CourseId, submission.QuizId,
            submission.StartedAt, submission.SubmittedAt, items, new AttemptResult(score, maxScore, percent, passed, []));
        var after = before.Append(draft).ToList();

        var skills = new List<SkillChange>();
        var events = new List<LearningEvent>
        {
            LearningEvent.Create(EventTypes.AttemptSubmitted, submission.UserId, submission.AttemptId, now,
                new AttemptSubmittedData(submission.UserId, submission.AttemptId, submission.CourseId, submission.QuizId, score, maxScore, percent,
                    passed, submission.SubmittedAt)),
        };
        if (passed && !before.Any(a => a.CourseId == quiz.CourseId && a.QuizId == quiz.QuizId && a.Passed))
            events.Add(LearningEvent.Create(EventTypes.QuizPassed, submission.UserId, $"{quiz.CourseId}/{quiz.QuizId}", now,
                new QuizPassedData(submission.UserId, quiz.CourseId, quiz.QuizId, submission.AttemptId, percent)));

        foreach (var skillId in items.SelectMany(i => i.Skills).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var p = parameters?.Invoke(skillId) ?? BktParameters.Default;
            var was = Mastery.Of(before, skillId, p);
            var now_ = Mastery.Of(after, skillId, p);
            skills.Add(new SkillChange(skillId, Math.Round(now_, MasteryDecimals), Math.Round(now_ - was, MasteryDecimals)));
            // Once per learner and skill: the id is the learner's and the skill's, so a later re-mastery is the same event.
            if (Bkt.IsMastered(now_) && !Bkt.IsMastered(was))
                events.Add(LearningEvent.Create(EventTypes.SkillMastered, submission.UserId, skillId, now,
                    new SkillMasteredData(submission.UserId, skillId, Math.Round(now_, MasteryDecimals), submission.AttemptId)));
        }
        return new AttemptPlan(draft with { Result = draft.Result with { Skills = skills } }, events);
    }
}
