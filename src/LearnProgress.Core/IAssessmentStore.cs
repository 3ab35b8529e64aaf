using LearnProgress.Core.Assessments;

namespace LearnProgress.Core;

/// <summary>
/// Skills, quizzes and attempts. An attempt is written through with the events it causes in one write, keyed by
/// (userId, attemptId), so a retry finds it stored and writes nothing.
/// </summary>
public interface IAssessmentStore
{
    /// <summary>True when the skill was created, false when it was updated.</summary>
    Task<bool> PutSkillAsync(Skill skill, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Skill>> ListSkillsAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces a quiz of an existing course.</summary>
    Task<CatalogWrite> PutQuizAsync(Quiz quiz, CancellationToken cancellationToken = default);

    Task<Quiz?> GetQuizAsync(string courseId, string quizId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Quiz>> ListQuizzesAsync(string courseId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the submission unless an attempt with its (userId, attemptId) is stored: then answers that one, not
    /// created, and writes nothing. Otherwise loads the learner's attempts, plans with <paramref name="plan"/> and writes
    /// the attempt with the plan's events in one write.
    /// </summary>
    Task<AttemptWrite> SubmitAsync(AttemptSubmission submission, Func<IReadOnlyList<StoredAttempt>, AttemptPlan> plan,
        CancellationToken cancellationToken = default);

    /// <summary>Every attempt of the learner, in (submittedAt, attemptId) order.</summary>
    Task<IReadOnlyList<StoredAttempt>> ReadLearnerAttemptsAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Every attempt in the course, of every learner (by the courseId index); grows with the attempts.</summary>
    Task<IReadOnlyList<StoredAttempt>> ReadCourseAttemptsAsync(string courseId, CancellationToken cancellationToken = default);
}
