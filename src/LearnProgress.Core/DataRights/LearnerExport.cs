using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;

namespace LearnProgress.Core.DataRights;

/// <summary>Everything the service holds about a learner (GDPR articles 15 and 20), buffered changes included.</summary>
public sealed record LearnerExport(
    string LearnerId,
    DateTimeOffset ExportedAt,
    ExportedSettings Settings,
    IReadOnlyList<ExportedCourse> Courses,
    IReadOnlyList<ExportedDay> Days,
    IReadOnlyList<DayRun> Runs,
    IReadOnlyList<ExportedCompletion> Completions)
{
    /// <summary>Every quiz attempt, as stored (items, score and the answer given), oldest first.</summary>
    public IReadOnlyList<Assessments.StoredAttempt> Attempts { get; init; } = [];

    /// <summary>The name the learner shows on the weekly boards; null while not on them.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Every weekly goal the learner set, from the learner's day it took effect, oldest first.</summary>
    public IReadOnlyList<ExportedGoal> Goals { get; init; } = [];

    /// <summary>Mastery per skill, folded from <see cref="Attempts"/>.</summary>
    public IReadOnlyList<Assessments.SkillMastery> Skills { get; init; } = [];

    /// <summary>Every credential issued to the learner, oldest first, with the signed VC-JWT as it was handed out.</summary>
    public IReadOnlyList<ExportedCredential> Credentials { get; init; } = [];
}

/// <summary>An issued credential: its id, certification, validity, whether it is revoked, and the VC-JWT itself.</summary>
public sealed record ExportedCredential(
    string CredentialId, string CertificationId, DateTimeOffset IssuedAt, DateTimeOffset? ValidUntil, bool Revoked, string Credential);

/// <summary>The learner's settings; <see cref="WeekStart"/> (monday … sunday) is null until the learner chose a day.</summary>
public sealed record ExportedSettings(string TimeZone, string? WeekStart);

public sealed record ExportedGoal(DateOnly From, int Minutes, int Lectures);

public sealed record ExportedCourse(string CourseId, IReadOnlyList<ExportedLecture> Lectures);

/// <summary>One lecture: resume position, high-water mark, the footage played as intervals in seconds, completion.</summary>
public sealed record ExportedLecture(
    string LectureId, double Position, double Furthest, long UpdatedAt, double PlayedSeconds,
    IReadOnlyList<Coverage.Interval> Coverage, bool Completed, DateOnly? CompletedOn);

/// <summary>One day in the learner's zone; <see cref="Played"/> are seconds since the day's start.</summary>
public sealed record ExportedDay(DateOnly Date, double Seconds, int Marks, int Completions, IReadOnlyList<Coverage.Interval> Played);

public sealed record ExportedCompletion(string CourseId, string LectureId, DateOnly Date);
