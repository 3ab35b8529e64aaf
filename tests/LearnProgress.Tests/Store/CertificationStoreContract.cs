using LearnProgress.Core;
using LearnProgress.Core.Certifications;
using LearnProgress.Mongo;
using LearnProgress.Sqlite;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Store;

/// <summary>What every store behind <see cref="ICertificationStore"/> must do; one subclass per adapter.</summary>
public abstract class CertificationStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _user = Unique.Id("u");
    private readonly string _cert = Unique.Id("cert");

    protected abstract ICertificationStore Store { get; }

    private static CredentialFactory Factory(string user, string cert, DateTimeOffset at, DateTimeOffset? until = null) =>
        (id, index) => CredentialEvents.Plan(new IssuedCredential(id, user, cert, index, at, until, $"jwt-{id}-{index}", Revoked: false));

    private Task<CredentialIssue> IssueAsync(DateTimeOffset? now = null, DateTimeOffset? until = null, string? user = null) =>
        Store.IssueAsync(user ?? _user, _cert, now ?? Now, Factory(user ?? _user, _cert, now ?? Now, until));

    [Fact]
    public async Task A_certification_is_created_then_replaced_and_read_back_whole()
    {
        var certification = new Certification(_cert, "Title", "Description", "Criteria", new CertificationRequirements(
            [new CourseRequirement("c1", 80)], [new QuizRequirement("c1", "q1", 70.5)], [new SkillRequirement("s1", 0.9)]), 365);
        Assert.True(await Store.PutCertificationAsync(certification));
        Assert.False(await Store.PutCertificationAsync(certification with { Title = "Renamed", ValidForDays = null }));

        var read = await Store.GetCertificationAsync(_cert);
        Assert.NotNull(read);
        Assert.Equal(("Renamed", "Description", "Criteria", (int?)null), (read.Title, read.Description, read.Criteria, read.ValidForDays));
        Assert.Equal(certification.Requirements.Courses, read.Requirements.Courses);
        Assert.Equal(certification.Requirements.Quizzes, read.Requirements.Quizzes);
        Assert.Equal(certification.Requirements.Skills, read.Requirements.Skills);
        Assert.Contains(await Store.ListCertificationsAsync(), c => c.Id == _cert);
        Assert.Null(await Store.GetCertificationAsync(Unique.Id("cert")));
    }

    [Fact]
    public async Task Issuing_again_answers_the_current_credential_until_it_is_revoked_or_expired()
    {
        var first = await IssueAsync(until: Now.AddDays(1));
        Assert.True(first.Created);
        var again = await IssueAsync(now: Now.AddHours(23), until: Now.AddDays(2));
        Assert.False(again.Created);
        Assert.Equal(first.Credential, again.Credential);

        var renewed = await IssueAsync(now: Now.AddDays(1), until: Now.AddDays(2));
        Assert.True(renewed.Created);
        Assert.NotEqual(first.Credential.CredentialId, renewed.Credential.CredentialId);
        Assert.NotEqual(first.Credential.StatusIndex, renewed.Credential.StatusIndex);

        var revoked = await Store.RevokeAsync(renewed.Credential.CredentialId);
        Assert.True(revoked!.Revoked);
        Assert.True((await Store.GetCredentialAsync(renewed.Credential.CredentialId))!.Revoked);
        var third = await IssueAsync(now: Now.AddDays(1));
        Assert.True(third.Created);
        Assert.Equal(3, (await Store.ReadLearnerCredentialsAsync(_user)).Count);
        Assert.Null(await Store.RevokeAsync(Guid.NewGuid().ToString()));
    }

    [Fact]
    public async Task Concurrent_issues_give_one_credential_per_learner_and_distinct_status_indexes_across_learners()
    {
        var sameLearner = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => IssueAsync())));
        Assert.Single(sameLearner.Select(i => i.Credential.CredentialId).Distinct());
        Assert.Single(sameLearner, i => i.Created);

        var learners = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => IssueAsync(user: Unique.Id("u")))));
        var indexes = learners.Select(i => i.Credential.StatusIndex).Append(sameLearner[0].Credential.StatusIndex).ToList();
        Assert.Equal(indexes.Count, indexes.Distinct().Count());
    }

    [Fact]
    public async Task The_status_list_holds_the_revoked_bits_and_nothing_else()
    {
        var kept = await IssueAsync(user: Unique.Id("u"));
        var gone = await IssueAsync();
        Assert.False(await Store.IsRevokedAsync(gone.Credential.StatusIndex));
        await Store.RevokeAsync(gone.Credential.CredentialId);
        await Store.RevokeAsync(gone.Credential.CredentialId);

        Assert.True(await Store.IsRevokedAsync(gone.Credential.StatusIndex));
        Assert.False(await Store.IsRevokedAsync(kept.Credential.StatusIndex));
        Assert.Null(await Store.IsRevokedAsync(long.MaxValue / 2));
        var (list, index) = StatusList.Locate(gone.Credential.StatusIndex);
        var revoked = await Store.ReadRevokedAsync(list);
        Assert.Contains(index, revoked);
        Assert.DoesNotContain(StatusList.Locate(kept.Credential.StatusIndex).Index, revoked);
    }

    [Fact]
    public async Task Erasing_a_learner_revokes_and_deletes_their_credentials_and_keeps_the_entries()
    {
        var other = await IssueAsync(user: Unique.Id("u"));
        var mine = await IssueAsync();
        await Store.EraseLearnerAsync(_user);
        await Store.EraseLearnerAsync(_user);

        Assert.Empty(await Store.ReadLearnerCredentialsAsync(_user));
        Assert.Null(await Store.GetCredentialAsync(mine.Credential.CredentialId));
        Assert.True(await Store.IsRevokedAsync(mine.Credential.StatusIndex));
        Assert.False(await Store.IsRevokedAsync(other.Credential.StatusIndex));
        Assert.NotNull(await Store.GetCredentialAsync(other.Credential.CredentialId));
    }
}

public sealed class SqliteCertificationStoreTests(SqliteFile file) : CertificationStoreContract, IClassFixture<SqliteFile>
{
    protected override ICertificationStore Store { get; } = new SqliteCertificationStore(file.Database);
}

/// <summary>The contract against a real MongoDB (MONGODB_URI or Testcontainers), skipped with the reason without one.</summary>
public sealed class MongoCertificationStoreTests : CertificationStoreContract
{
    // Made on first use, so a run without MongoDB skips each test with the reason rather than failing to construct it.
    private readonly Lazy<MongoDB.Driver.IMongoDatabase> _database;

    public MongoCertificationStoreTests(MongoServer server)
    {
        _database = new(() =>
        {
            server.Require();
            var database = server.NewClient().GetDatabase(server.NewDatabaseName());
            MongoIndexes.CreateAsync(database).GetAwaiter().GetResult();
            return database;
        });
    }

    protected override ICertificationStore Store => new MongoCertificationStore(_database.Value);
}
