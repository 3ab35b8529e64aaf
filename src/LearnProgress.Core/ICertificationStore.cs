using LearnProgress.Core.Certifications;

namespace LearnProgress.Core;

/// <summary>
/// Certifications, the credentials issued for them, and the status entries of those credentials. A status entry (an
/// index and its revoked bit) names no one: it stays when the learner's credential record is erased.
/// </summary>
public interface ICertificationStore
{
    /// <summary>True when the certification was created, false when it was replaced.</summary>
    Task<bool> PutCertificationAsync(Certification certification, CancellationToken cancellationToken = default);

    Task<Certification?> GetCertificationAsync(string certificationId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Certification>> ListCertificationsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Answers the learner's current credential for the certification (not revoked, not expired at
    /// <paramref name="now"/>) when there is one; otherwise allocates a status index no other credential has, on any
    /// instance, and stores what <paramref name="issue"/> makes of it with a new credential id, with the plan's events
    /// in the same write.
    /// </summary>
    Task<CredentialIssue> IssueAsync(string userId, string certificationId, DateTimeOffset now, CredentialFactory issue,
        CancellationToken cancellationToken = default);

    Task<IssuedCredential?> GetCredentialAsync(string credentialId, CancellationToken cancellationToken = default);

    /// <summary>Every credential issued to the learner, oldest first.</summary>
    Task<IReadOnlyList<IssuedCredential>> ReadLearnerCredentialsAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Sets the credential's status bit; null for an unknown credential. Revoking twice changes nothing.</summary>
    Task<IssuedCredential?> RevokeAsync(string credentialId, CancellationToken cancellationToken = default);

    /// <summary>The revoked indexes of one status list (1-based), as places within it.</summary>
    Task<IReadOnlyList<long>> ReadRevokedAsync(long list, CancellationToken cancellationToken = default);

    /// <summary>Whether the status entry at a global index is revoked; null when no credential was given that index.</summary>
    Task<bool?> IsRevokedAsync(long statusIndex, CancellationToken cancellationToken = default);

    /// <summary>Revokes every credential of the learner and deletes their records; the status entries stay, revoked.</summary>
    Task EraseLearnerAsync(string userId, CancellationToken cancellationToken = default);
}
