using System.Text.Json;
using Dapper;
using LearnProgress.Core;
using LearnProgress.Core.Certifications;
using Microsoft.Data.Sqlite;

namespace LearnProgress.Sqlite;

/// <summary>
/// Certifications (JSON by id), issued credentials, and their status entries. An issue allocates the next status index
/// and writes the entry and the credential in one transaction under the file's one writer, so no index is given twice.
/// </summary>
public sealed class SqliteCertificationStore(SqliteDatabase database) : ICertificationStore
{
    internal const string Create = """
        CREATE TABLE IF NOT EXISTS certifications (
            certification_id TEXT NOT NULL PRIMARY KEY,
            body TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS credential_status (
            status_index INTEGER NOT NULL PRIMARY KEY,
            revoked INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS credentials (
            credential_id TEXT NOT NULL PRIMARY KEY,
            user_id TEXT NOT NULL,
            certification_id TEXT NOT NULL,
            status_index INTEGER NOT NULL UNIQUE REFERENCES credential_status (status_index),
            issued_at INTEGER NOT NULL,
            valid_until INTEGER,
            jwt TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS credentials_by_learner ON credentials (user_id, certification_id, issued_at);
        """;

    private const string SelectCredential = """
        SELECT c.credential_id AS CredentialId, c.user_id AS UserId, c.certification_id AS CertificationId, c.status_index AS StatusIndex,
               c.issued_at AS IssuedAt, c.valid_until AS ValidUntil, c.jwt AS Jwt, s.revoked AS Revoked
        FROM credentials c JOIN credential_status s ON s.status_index = c.status_index
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<bool> PutCertificationAsync(Certification certification, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await using var transaction = connection.BeginTransaction(deferred: false);
        var id = new { id = certification.Id, body = JsonSerializer.Serialize(certification, Json) };
        var created = await connection.ExecuteScalarAsync<long?>("SELECT 1 FROM certifications WHERE certification_id = @id;", id, transaction) is null;
        await connection.ExecuteAsync("""
            INSERT INTO certifications (certification_id, body) VALUES (@id, @body)
            ON CONFLICT (certification_id) DO UPDATE SET body = excluded.body;
            """, id, transaction);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    public async Task<Certification?> GetCertificationAsync(string certificationId, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        var body = await connection.ExecuteScalarAsync<string?>("SELECT body FROM certifications WHERE certification_id = @id;", new { id = certificationId });
        return body is null ? null : JsonSerializer.Deserialize<Certification>(body, Json);
    }

    public async Task<IReadOnlyList<Certification>> ListCertificationsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return (await connection.QueryAsync<string>("SELECT body FROM certifications ORDER BY certification_id;"))
            .Select(b => JsonSerializer.Deserialize<Certification>(b, Json)!).ToList();
    }

    public async Task<CredentialIssue> IssueAsync(string userId, string certificationId, DateTimeOffset now, CredentialFactory issue,
        CancellationToken cancellationToken = default)
    {
        try
        {
            using var writing = await database.WriteLockAsync(cancellationToken);
            await using var connection = database.Open();
            await using var transaction = connection.BeginTransaction(deferred: false);
            var current = (await connection.QueryAsync<Row>($"""
                {SelectCredential}
                WHERE c.user_id = @user AND c.certification_id = @certification AND s.revoked = 0 AND (c.valid_until IS NULL OR c.valid_until > @now)
                ORDER BY c.issued_at DESC LIMIT 1;
                """, new { user = userId, certification = certificationId, now = now.ToUnixTimeMilliseconds() }, transaction)).FirstOrDefault();
            if (current is not null) return new CredentialIssue(current.ToCredential(), Created: false);

            var index = await connection.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(status_index) + 1, 0) FROM credential_status;", transaction: transaction);
            var plan = issue(Guid.NewGuid().ToString(), index);
            var credential = plan.Credential;
            await connection.ExecuteAsync("INSERT INTO credential_status (status_index, revoked) VALUES (@index, 0);", new { index }, transaction);
            await connection.ExecuteAsync("""
                INSERT INTO credentials (credential_id, user_id, certification_id, status_index, issued_at, valid_until, jwt)
                VALUES (@id, @user, @certification, @index, @issuedAt, @validUntil, @jwt);
                """, new
            {
                id = credential.CredentialId, user = credential.UserId, certification = credential.CertificationId, index = credential.StatusIndex,
                issuedAt = credential.IssuedAt.ToUnixTimeMilliseconds(), validUntil = credential.ValidUntil?.ToUnixTimeMilliseconds(), jwt = credential.Jwt,
            }, transaction);
            // The outbox: the events commit with the credential that caused them, or not at all.
            foreach (var e in plan.Events)
                await connection.ExecuteAsync(Schema.InsertEvent, new
                {
                    id = e.Id.ToString(), type = e.Type, user = e.UserId, timestamp = e.Timestamp.ToUnixTimeMilliseconds(), data = e.Data,
                }, transaction);
            await transaction.CommitAsync(cancellationToken);
            return new CredentialIssue(credential, Created: true) { Events = plan.Events };
        }
        catch (SqliteException ex) when (SqliteDatabase.IsUnavailable(ex))
        {
            throw new StoreUnavailableException($"The SQLite store cannot take the credential now: {ex.Message}", ex);
        }
    }

    public async Task<IssuedCredential?> GetCredentialAsync(string credentialId, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return (await connection.QueryAsync<Row>($"{SelectCredential} WHERE c.credential_id = @id;", new { id = credentialId }))
            .FirstOrDefault()?.ToCredential();
    }

    public async Task<IReadOnlyList<IssuedCredential>> ReadLearnerCredentialsAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return (await connection.QueryAsync<Row>($"{SelectCredential} WHERE c.user_id = @user ORDER BY c.issued_at, c.credential_id;", new { user = userId }))
            .Select(r => r.ToCredential()).ToList();
    }

    public async Task<IssuedCredential?> RevokeAsync(string credentialId, CancellationToken cancellationToken = default)
    {
        using (await database.WriteLockAsync(cancellationToken))
        {
            await using var connection = database.Open();
            await connection.ExecuteAsync("""
                UPDATE credential_status SET revoked = 1
                WHERE status_index = (SELECT status_index FROM credentials WHERE credential_id = @id);
                """, new { id = credentialId });
        }
        return await GetCredentialAsync(credentialId, cancellationToken);
    }

    public async Task<IReadOnlyList<long>> ReadRevokedAsync(long list, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        var first = StatusList.Global(list, 0);
        return (await connection.QueryAsync<long>(
                "SELECT status_index FROM credential_status WHERE revoked = 1 AND status_index >= @first AND status_index < @end ORDER BY status_index;",
                new { first, end = first + StatusList.Length }))
            .Select(i => i - first).ToList();
    }

    public async Task<bool?> IsRevokedAsync(long statusIndex, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        return await connection.ExecuteScalarAsync<long?>("SELECT revoked FROM credential_status WHERE status_index = @index;", new { index = statusIndex })
            is { } revoked ? revoked != 0 : null;
    }

    public async Task EraseLearnerAsync(string userId, CancellationToken cancellationToken = default)
    {
        using var writing = await database.WriteLockAsync(cancellationToken);
        await using var connection = database.Open();
        await using var transaction = connection.BeginTransaction(deferred: false);
        var user = new { user = userId };
        await connection.ExecuteAsync(
            "UPDATE credential_status SET revoked = 1 WHERE status_index IN (SELECT status_index FROM credentials WHERE user_id = @user);", user, transaction);
        await connection.ExecuteAsync("DELETE FROM credentials WHERE user_id = @user;", user, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    private sealed record Row(string CredentialId, string UserId, string CertificationId, long StatusIndex, long IssuedAt, long? ValidUntil, string Jwt, long Revoked)
    {
        public IssuedCredential ToCredential() => new(CredentialId, UserId, CertificationId, StatusIndex,
            DateTimeOffset.FromUnixTimeMilliseconds(IssuedAt), ValidUntil is { } until ? DateTimeOffset.FromUnixTimeMilliseconds(until) : null, Jwt, Revoked != 0);
    }
}
