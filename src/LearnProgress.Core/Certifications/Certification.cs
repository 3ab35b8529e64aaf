using System.ComponentModel;
using System.Text.Json.Serialization;

namespace LearnProgress.Core.Certifications;

/// <summary>A course the learner must have completed to at least <see cref="MinCompletion"/> percent of its lectures.</summary>
[ImmutableObject(true)]
public sealed record CourseRequirement(string CourseId, double MinCompletion);

/// <summary>A quiz whose best attempt must reach <see cref="MinPercent"/> percent.</summary>
[ImmutableObject(true)]
public sealed record QuizRequirement(string CourseId, string QuizId, double MinPercent);

/// <summary>A skill whose mastery (0 to 1) must reach <see cref="MinMastery"/>.</summary>
[ImmutableObject(true)]
public sealed record SkillRequirement(string SkillId, double MinMastery);

[ImmutableObject(true)]
public sealed record CertificationRequirements(
    IReadOnlyList<CourseRequirement> Courses, IReadOnlyList<QuizRequirement> Quizzes, IReadOnlyList<SkillRequirement> Skills)
{
    [JsonIgnore]
    public int Count => Courses.Count + Quizzes.Count + Skills.Count;
}

/// <summary>
/// What a learner must reach to be certified. A credential issued for it is valid for <see cref="ValidForDays"/> days,
/// or without end when that is null.
/// </summary>
[ImmutableObject(true)]
public sealed record Certification(
    string Id, string Title, string Description, string Criteria, CertificationRequirements Requirements, int? ValidForDays);

/// <summary>
/// A credential as issued and kept: the signed VC-JWT, the learner it was issued to, and its place in the status list.
/// <see cref="Revoked"/> mirrors the status list bit at <see cref="StatusIndex"/>.
/// </summary>
public sealed record IssuedCredential(
    string CredentialId, string UserId, string CertificationId, long StatusIndex, DateTimeOffset IssuedAt, DateTimeOffset? ValidUntil,
    string Jwt, bool Revoked)
{
    /// <summary>Whether the learner asking again is answered this credential rather than a new one.</summary>
    public bool IsCurrent(DateTimeOffset now) => !Revoked && (ValidUntil is not { } until || now < until);
}

/// <summary>A credential to store and the events it causes, written together.</summary>
public sealed record CredentialPlan(IssuedCredential Credential, IReadOnlyList<Events.LearningEvent> Events);

/// <summary>What a credential is issued from: its id and status index are the store's to fix.</summary>
public delegate CredentialPlan CredentialFactory(string credentialId, long statusIndex);

/// <summary>How an issue ended: a new credential with the events written with it, or the learner's current one.</summary>
public sealed record CredentialIssue(IssuedCredential Credential, bool Created)
{
    public IReadOnlyList<Events.LearningEvent> Events { get; init; } = [];
}

/// <summary>The <c>credential.issued</c> event's data.</summary>
public sealed record CredentialIssuedData(string UserId, string CertificationId, string CredentialId, DateTimeOffset ValidFrom, DateTimeOffset? ValidUntil);

public static class CredentialEvents
{
    /// <summary><c>credential.issued</c>, once per credential: its id is the credential's.</summary>
    public static Events.LearningEvent Issued(IssuedCredential credential) =>
        Events.LearningEvent.Create(Events.EventTypes.CredentialIssued, credential.UserId, credential.CredentialId, credential.IssuedAt,
            new CredentialIssuedData(credential.UserId, credential.CertificationId, credential.CredentialId, credential.IssuedAt, credential.ValidUntil));

    public static CredentialPlan Plan(IssuedCredential credential) => new(credential, [Issued(credential)]);
}
