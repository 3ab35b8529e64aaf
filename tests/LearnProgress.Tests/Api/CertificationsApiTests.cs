using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LearnProgress.Core.Certifications;
using LearnProgress.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearnProgress.Tests.Api;

/// <summary>The service with a configured signing key, a retired key that is only published, and an injected clock.</summary>
public sealed class CredentialAppFixture : IAsyncLifetime
{
    public const string SigningKid = "key-2026";
    public const string RetiredKid = "key-2025";

    public ECDsa SigningKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public ECDsa RetiredKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));
    public LearnProgressApp App { get; }

    public CredentialAppFixture()
    {
        App = new LearnProgressApp(time: Clock, settings: new()
        {
            ["Credentials:SigningKeys:0:Kid"] = SigningKid,
            ["Credentials:SigningKeys:0:Pem"] = SigningKey.ExportPkcs8PrivateKeyPem(),
            ["Credentials:SigningKeys:1:Kid"] = RetiredKid,
            ["Credentials:SigningKeys:1:Pem"] = RetiredKey.ExportSubjectPublicKeyInfoPem(),
        });
    }

    public ValueTask InitializeAsync()
    {
        _ = App.Server;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        SigningKey.Dispose();
        RetiredKey.Dispose();
    }
}

/// <summary>Certifications, issuing, verifying and revoking credentials through the HTTP API, on the embedded service.</summary>
public sealed class CertificationsApiTests(CredentialAppFixture fixture) : IClassFixture<CredentialAppFixture>
{
    private LearnProgressApp App => fixture.App;
    private FakeTimeProvider Clock => fixture.Clock;
    private long Now => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A course (one 20 s lecture) with quiz q1 (one item of 1 point observing a new skill), pass at 50 %.</summary>
    private async Task<(string Course, string Skill)> QuizAsync()
    {
        var course = await App.CreateCourseAsync(20);
        var skill = Unique.Id("s");
        using var admin = App.Admin();
        (await admin.PutAsJsonAsync($"/api/v1/skills/{skill}", new { name = "Skill" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/quizzes/q1", new
        {
            title = "Quiz", passPercent = 50, items = new object[] { new { itemId = "i1", maxPoints = 1, skills = new[] { skill } } },
        })).EnsureSuccessStatusCode();
        return (course, skill);
    }

    /// <summary>A certification needing quiz q1 at 100 % and the skill at 0.8 mastery (two fully correct attempts).</summary>
    private async Task<string> CertificationAsync(string course, string skill, int? validForDays = null, bool withCourse = false)
    {
        var cert = Unique.Id("cert");
        using var admin = App.Admin();
        var put = await admin.PutAsJsonAsync($"/api/v1/certifications/{cert}", new
        {
            title = "Certified " + cert, description = "Knows the course.", criteria = "Pass quiz q1 and master the skill.",
            requirements = new
            {
                courses = withCourse ? new object[] { new { courseId = course, minCompletion = 100 } } : [],
                quizzes = new[] { new { courseId = course, quizId = "q1", minPercent = 100 } },
                skills = new[] { new { skillId = skill, minMastery = 0.8 } },
            },
            validForDays,
        });
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        return cert;
    }

    private async Task AttemptAsync(HttpClient learner, string course, double points)
    {
        var at = Now - 1_000;
        (await learner.PostAsJsonAsync("/api/v1/attempts", new
        {
            attemptId = Unique.Id("a"), courseId = course, quizId = "q1", startedAt = at - 60_000, submittedAt = at,
            items = new[] { new { itemId = "i1", points } },
        })).EnsureSuccessStatusCode();
    }

    /// <summary>A learner who passed everything the certification asks.</summary>
    private async Task<(HttpClient Learner, string Cert)> EligibleAsync(int? validForDays = null)
    {
        var (course, skill) = await QuizAsync();
        var cert = await CertificationAsync(course, skill, validForDays);
        var learner = App.Learner(Unique.Id("u"));
        await AttemptAsync(learner, course, 1);
        await AttemptAsync(learner, course, 1);
        return (learner, cert);
    }

    private static async Task<JsonElement> IssueAsync(HttpClient learner, string cert, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await learner.PostAsync($"/api/v1/me/certifications/{cert}/credential", null);
        Assert.Equal(expected, response.StatusCode);
        return await response.JsonAsync();
    }

    private async Task<JsonElement> VerifyAsync(string jwt)
    {
        using var anonymous = App.ClientFor(null);
        var response = await anonymous.PostAsJsonAsync("/api/v1/credentials/verify", new { credential = jwt });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private static JsonElement Payload(string jwt) =>
        JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[1])).RootElement;

    private static JsonElement Header(string jwt) =>
        JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[0])).RootElement;

    [Fact]
    public async Task An_eligible_learner_gets_an_open_badges_vc_jwt_that_verifies_and_asking_again_answers_the_same()
    {
        var (learner, cert) = await EligibleAsync(validForDays: 365);
        var issued = await IssueAsync(learner, cert);
        var jwt = issued.GetProperty("credential").GetString()!;
        var credentialId = issued.GetProperty("credentialId").GetString()!;

        var header = Header(jwt);
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.Equal("vc+jwt", header.GetProperty("typ").GetString());
        Assert.Equal(CredentialAppFixture.SigningKid, header.GetProperty("kid").GetString());

        var vc = Payload(jwt);
        Assert.Equal(["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            vc.GetProperty("@context").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["VerifiableCredential", "OpenBadgeCredential"], vc.GetProperty("type").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal($"urn:uuid:{credentialId}", vc.GetProperty("id").GetString());
        var issuedAt = Clock.GetUtcNow().UtcDateTime;
        Assert.Equal(issuedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), vc.GetProperty("validFrom").GetString());
        Assert.Equal(issuedAt.AddDays(365).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), vc.GetProperty("validUntil").GetString());
        var issuer = vc.GetProperty("issuer");
        Assert.Equal("http://localhost/api/v1/credentials/issuer", issuer.GetProperty("id").GetString());
        var achievement = vc.GetProperty("credentialSubject").GetProperty("achievement");
        Assert.Equal($"http://localhost/api/v1/certifications/{cert}", achievement.GetProperty("id").GetString());
        Assert.Equal("Certified " + cert, achievement.GetProperty("name").GetString());
        Assert.Equal("Pass quiz q1 and master the skill.", achievement.GetProperty("criteria").GetProperty("narrative").GetString());
        var status = vc.GetProperty("credentialStatus");
        Assert.Equal("BitstringStatusListEntry", status.GetProperty("type").GetString());
        Assert.Equal("revocation", status.GetProperty("statusPurpose").GetString());

        // The issuer profile and the achievement resolve at the URLs the credential names.
        using var anonymous = App.ClientFor(null);
        var profile = await (await anonymous.GetAsync("/api/v1/credentials/issuer")).JsonAsync();
        Assert.Equal(issuer.GetProperty("id").GetString(), profile.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/v1/certifications/{cert}")).StatusCode);

        var verified = await VerifyAsync(jwt);
        Assert.True(verified.GetProperty("valid").GetBoolean());
        Assert.Equal("active", verified.GetProperty("status").GetString());
        Assert.Empty(verified.GetProperty("reasons").EnumerateArray());
        Assert.Equal("Certified " + cert, verified.GetProperty("achievement").GetProperty("name").GetString());

        var again = await IssueAsync(learner, cert, HttpStatusCode.OK);
        Assert.Equal(credentialId, again.GetProperty("credentialId").GetString());
        Assert.Equal(jwt, again.GetProperty("credential").GetString());

        // One credential.issued in the feed, with the credential's id, though it was asked for twice.
        using (var integration = App.ClientFor(TestTokens.Timeless("system-1", "integration")))
        {
            var issuedEvents = new List<JsonElement>();
            for (var after = "0"; ;)
            {
                var page = await (await integration.GetAsync($"/api/v1/events?after={after}&limit=500")).JsonAsync();
                var items = page.GetProperty("events").EnumerateArray().ToList();
                if (items.Count == 0) break;
                issuedEvents.AddRange(items.Where(e => e.GetProperty("type").GetString() == "credential.issued" &&
                    e.GetProperty("data").GetProperty("credentialId").GetString() == credentialId));
                after = page.GetProperty("next").GetString()!;
            }
            var issuedEvent = Assert.Single(issuedEvents);
            Assert.Equal(cert, issuedEvent.GetProperty("data").GetProperty("certificationId").GetString());
        }

        var stored = await (await anonymous.GetAsync($"/api/v1/credentials/{credentialId}")).JsonAsync();
        Assert.Equal(jwt, stored.GetProperty("credential").GetString());
        Assert.Equal("active", stored.GetProperty("verification").GetProperty("status").GetString());
        learner.Dispose();
    }

    [Fact]
    public async Task Progress_shows_each_requirement_and_becomes_eligible_only_when_all_are_met()
    {
        var (course, skill) = await QuizAsync();
        var cert = await CertificationAsync(course, skill);
        using var learner = App.Learner(Unique.Id("u"));

        async Task<JsonElement> Mine() => (await (await learner.GetAsync("/api/v1/me/certifications")).JsonAsync())
            .EnumerateArray().Single(c => c.GetProperty("certificationId").GetString() == cert);
        // The learner's next steps name the certification once started, until its credential is held.
        async Task<List<string>> NextSteps() => (await learner.GetOkJsonAsync("/api/v1/me/next")).GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("certificationId").GetString() == cert).Select(i => i.GetProperty("reason").GetString()!).ToList();

        var before = await Mine();
        Assert.False(before.GetProperty("eligible").GetBoolean());
        Assert.Equal(0, before.GetProperty("progress").GetDouble());
        Assert.Empty(await NextSteps());

        await AttemptAsync(learner, course, 1);
        var one = await Mine();
        var requirements = one.GetProperty("requirements").EnumerateArray().ToList();
        Assert.Equal(["quiz", "skill"], requirements.Select(r => r.GetProperty("kind").GetString()));
        Assert.True(requirements[0].GetProperty("met").GetBoolean());
        Assert.Equal(100, requirements[0].GetProperty("current").GetDouble());
        Assert.False(requirements[1].GetProperty("met").GetBoolean());
        Assert.Equal(0.6, requirements[1].GetProperty("current").GetDouble(), 3);
        Assert.False(one.GetProperty("eligible").GetBoolean());
        Assert.Equal(JsonValueKind.Null, one.GetProperty("estimatedDate").ValueKind);
        Assert.Contains("1 of 2 requirements met; next, skill", Assert.Single(await NextSteps()));

        // Not eligible yet: a 409 naming what is missing, and nothing issued.
        var refused = await learner.PostAsync($"/api/v1/me/certifications/{cert}/credential", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var missing = (await refused.JsonAsync()).GetProperty("errors");
        Assert.Contains(skill, missing.GetProperty("requirements.skills[0]")[0].GetString());
        Assert.Equal(JsonValueKind.Null, (await Mine()).GetProperty("credential").ValueKind);

        await AttemptAsync(learner, course, 1);
        var eligible = await Mine();
        Assert.True(eligible.GetProperty("eligible").GetBoolean());
        Assert.Equal(1, eligible.GetProperty("progress").GetDouble());
        Assert.Contains("is met: get its credential", Assert.Single(await NextSteps()));
        var issued = await IssueAsync(learner, cert);
        Assert.Empty(await NextSteps());
        Assert.Equal(issued.GetProperty("credentialId").GetString(), (await Mine()).GetProperty("credential").GetProperty("credentialId").GetString());
    }

    [Fact]
    public async Task A_course_requirement_is_met_by_watching_and_estimated_from_the_pace_before()
    {
        var course = await App.CreateCourseAsync(20, 20);
        var cert = Unique.Id("cert");
        using (var admin = App.Admin())
            (await admin.PutAsJsonAsync($"/api/v1/certifications/{cert}", new
            {
                title = "Watcher", description = "d", criteria = "Watch it all.",
                requirements = new { courses = new[] { new { courseId = course, minCompletion = 100 } } },
            })).EnsureSuccessStatusCode();
        using var learner = App.Learner(Unique.Id("u"));

        async Task Watch(string lecture)
        {
            var pings = Enumerable.Range(1, 4).Select(i => new
            {
                courseId = course, lectureId = lecture, segmentStart = (i - 1) * 5, watchTime = i * 5, sessionId = "s-" + lecture,
                clientTs = Now - (4 - i) * 5_000L, segmentStartTs = Now - (5 - i) * 5_000L,
            }).ToList();
            (await learner.PostAsJsonAsync("/api/v1/progress/batch", new { pings })).EnsureSuccessStatusCode();
        }

        await Watch("l1");
        var half = (await (await learner.GetAsync("/api/v1/me/certifications")).JsonAsync())
            .EnumerateArray().Single(c => c.GetProperty("certificationId").GetString() == cert);
        Assert.Equal(50, half.GetProperty("requirements")[0].GetProperty("current").GetDouble());
        // 20 s played in the 28-day window; 20 s left: ⌈20 × 28 ÷ 20⌉ = 28 days, the course-estimate rule.
        var today = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);
        Assert.Equal(today.AddDays(28).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), half.GetProperty("estimatedDate").GetString());
        await IssueAsync(learner, cert, HttpStatusCode.Conflict);

        await Watch("l2");
        await IssueAsync(learner, cert);
    }

    [Fact]
    public async Task A_tampered_token_a_foreign_key_and_an_unknown_kid_are_refused()
    {
        var (learner, cert) = await EligibleAsync();
        var jwt = (await IssueAsync(learner, cert)).GetProperty("credential").GetString()!;
        learner.Dispose();

        // The payload changed after signing: another achievement name.
        var parts = jwt.Split('.');
        var forged = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("Certified ", "Master ");
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(forged)}.{parts[2]}";
        var verdict = await VerifyAsync(tampered);
        Assert.False(verdict.GetProperty("valid").GetBoolean());
        Assert.Equal("invalid", verdict.GetProperty("status").GetString());
        Assert.NotEmpty(verdict.GetProperty("reasons").EnumerateArray());

        // The same credential signed by a key that is not ours, under our signing kid and under an unknown one.
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        foreach (var kid in new[] { CredentialAppFixture.SigningKid, "someone-else" })
        {
            var foreign = new JsonWebTokenHandler().CreateToken(forged,
                new SigningCredentials(new ECDsaSecurityKey(stranger) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256),
                new Dictionary<string, object> { ["typ"] = "vc+jwt" });
            var refused = await VerifyAsync(foreign);
            Assert.False(refused.GetProperty("valid").GetBoolean());
            Assert.Equal("invalid", refused.GetProperty("status").GetString());
        }

        // A credential signed with the retired key (still published) verifies: rotation keeps older credentials valid.
        var retired = new JsonWebTokenHandler().CreateToken(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])),
            new SigningCredentials(new ECDsaSecurityKey(fixture.RetiredKey) { KeyId = CredentialAppFixture.RetiredKid }, SecurityAlgorithms.EcdsaSha256),
            new Dictionary<string, object> { ["typ"] = "vc+jwt" });
        Assert.True((await VerifyAsync(retired)).GetProperty("valid").GetBoolean());

        // Not a JWS at all, and no credential: a verdict and a 400, never a 500.
        Assert.Equal("invalid", (await VerifyAsync("not-a-token")).GetProperty("status").GetString());
        using var anonymous = App.ClientFor(null);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/v1/credentials/verify", new { })).StatusCode);
    }

    [Fact]
    public async Task An_expired_credential_is_refused_and_asking_again_issues_a_new_one()
    {
        var (learner, cert) = await EligibleAsync(validForDays: 1);
        var first = await IssueAsync(learner, cert);
        var jwt = first.GetProperty("credential").GetString()!;
        Assert.True((await VerifyAsync(jwt)).GetProperty("valid").GetBoolean());

        Clock.Advance(TimeSpan.FromDays(1));
        var expired = await VerifyAsync(jwt);
        Assert.False(expired.GetProperty("valid").GetBoolean());
        Assert.Equal("expired", expired.GetProperty("status").GetString());

        // Attempts older than they were: the learner still holds the mastery, so a fresh credential is issued.
        var second = await IssueAsync(learner, cert);
        Assert.NotEqual(first.GetProperty("credentialId").GetString(), second.GetProperty("credentialId").GetString());
        learner.Dispose();
    }

    [Fact]
    public async Task A_revoked_credential_is_refused_shows_in_the_status_list_and_asking_again_issues_a_new_one()
    {
        var (learner, cert) = await EligibleAsync();
        var issued = await IssueAsync(learner, cert);
        var jwt = issued.GetProperty("credential").GetString()!;
        var credentialId = issued.GetProperty("credentialId").GetString()!;
        var entry = Payload(jwt).GetProperty("credentialStatus");
        var index = long.Parse(entry.GetProperty("statusListIndex").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var listPath = new Uri(entry.GetProperty("statusListCredential").GetString()!).AbsolutePath;
        using var anonymous = App.ClientFor(null);

        async Task<bool> BitAsync()
        {
            var list = await (await anonymous.GetAsync(listPath)).JsonAsync();
            Assert.Equal("BitstringStatusList", list.GetProperty("credentialSubject").GetProperty("type").GetString());
            return StatusList.IsSet(list.GetProperty("credentialSubject").GetProperty("encodedList").GetString()!, index);
        }

        Assert.False(await BitAsync());
        using (var stranger = App.Learner(Unique.Id("u")))
            Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostAsync($"/api/v1/admin/credentials/{credentialId}/revoke", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/api/v1/admin/credentials/{credentialId}/revoke", null)).StatusCode);
        Assert.False(await BitAsync());

        using var admin = App.Admin();
        var revoked = await admin.PostAsync($"/api/v1/admin/credentials/{credentialId}/revoke", null);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal("revoked", (await revoked.JsonAsync()).GetProperty("status").GetString());
        Assert.True(await BitAsync());

        var verdict = await VerifyAsync(jwt);
        Assert.False(verdict.GetProperty("valid").GetBoolean());
        Assert.Equal("revoked", verdict.GetProperty("status").GetString());
        Assert.Equal("revoked", (await (await anonymous.GetAsync($"/api/v1/credentials/{credentialId}")).JsonAsync())
            .GetProperty("verification").GetProperty("status").GetString());

        var fresh = await IssueAsync(learner, cert);
        Assert.NotEqual(credentialId, fresh.GetProperty("credentialId").GetString());
        Assert.True((await VerifyAsync(fresh.GetProperty("credential").GetString()!)).GetProperty("valid").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/v1/admin/credentials/{Guid.NewGuid()}/revoke", null)).StatusCode);
        learner.Dispose();
    }

    [Fact]
    public async Task The_jwks_publishes_every_key_public_part_only_and_verifies_an_issued_credential()
    {
        var (learner, cert) = await EligibleAsync();
        var jwt = (await IssueAsync(learner, cert)).GetProperty("credential").GetString()!;
        learner.Dispose();
        using var anonymous = App.ClientFor(null);
        var jwksText = await anonymous.GetStringAsync("/.well-known/jwks.json");
        var set = new JsonWebKeySet(jwksText);
        Assert.Equal([CredentialAppFixture.SigningKid, CredentialAppFixture.RetiredKid], set.Keys.Select(k => k.Kid));
        Assert.All(set.Keys, k => Assert.True(string.IsNullOrEmpty(k.D)));

        // An outside verifier with nothing but the published keys accepts it.
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKeys = set.GetSigningKeys(), ValidateIssuer = false, ValidateAudience = false, ValidateLifetime = false,
            RequireExpirationTime = false, ValidTypes = ["vc+jwt"],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public async Task A_certification_naming_what_does_not_exist_or_out_of_range_values_is_400_and_changes_nothing()
    {
        var (course, skill) = await QuizAsync();
        using var admin = App.Admin();
        var cert = Unique.Id("cert");
        object Body(object requirements, int? validForDays = null) => new { title = "T", description = "D", criteria = "C", requirements, validForDays };

        var cases = new (object Body, string Field)[]
        {
            (Body(new { courses = new[] { new { courseId = Unique.Id("c"), minCompletion = 50 } } }), "requirements.courses[0].courseId"),
            (Body(new { quizzes = new[] { new { courseId = course, quizId = "q9", minPercent = 50 } } }), "requirements.quizzes[0].quizId"),
            (Body(new { skills = new[] { new { skillId = Unique.Id("s"), minMastery = 0.5 } } }), "requirements.skills[0].skillId"),
            (Body(new { skills = new[] { new { skillId = skill, minMastery = 1.5 } } }), "requirements.skills[0].minMastery"),
            (Body(new { courses = new[] { new { courseId = course, minCompletion = 101 } } }), "requirements.courses[0].minCompletion"),
            (Body(new { quizzes = new[] { new { courseId = course, quizId = "q1", minPercent = -1 } } }), "requirements.quizzes[0].minPercent"),
            (Body(new { }), "requirements"),
            (Body(new { skills = new[] { new { skillId = skill, minMastery = 0.5 } } }, validForDays: 0), "validForDays"),
        };
        foreach (var (body, field) in cases)
        {
            var response = await admin.PutAsJsonAsync($"/api/v1/certifications/{cert}", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.JsonAsync()).GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out _), $"{field} not in {errors}");
        }
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/certifications/{cert}")).StatusCode);

        using var learner = App.Learner(Unique.Id("u"));
        Assert.Equal(HttpStatusCode.Forbidden, (await learner.PutAsJsonAsync($"/api/v1/certifications/{cert}",
            Body(new { skills = new[] { new { skillId = skill, minMastery = 0.5 } } }))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await learner.PostAsync($"/api/v1/me/certifications/{cert}/credential", null)).StatusCode);

        var ok = await admin.PutAsJsonAsync($"/api/v1/certifications/{cert}", Body(new { skills = new[] { new { skillId = skill, minMastery = 0.5 } } }));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/certifications/{cert}",
            Body(new { skills = new[] { new { skillId = skill, minMastery = 0.7 } } }))).StatusCode);
        var read = await (await admin.GetAsync($"/api/v1/certifications/{cert}")).JsonAsync();
        Assert.Equal(0.7, read.GetProperty("requirements").GetProperty("skills")[0].GetProperty("minMastery").GetDouble());
    }

    [Fact]
    public async Task Issued_credentials_are_exported_and_an_erase_deletes_the_record_but_leaves_a_revoked_entry()
    {
        var (course, skill) = await QuizAsync();
        var cert = await CertificationAsync(course, skill);
        var user = Unique.Id("u");
        using var learner = App.Learner(user);
        await AttemptAsync(learner, course, 1);
        await AttemptAsync(learner, course, 1);
        var issued = await IssueAsync(learner, cert);
        var credentialId = issued.GetProperty("credentialId").GetString()!;
        var jwt = issued.GetProperty("credential").GetString()!;

        var export = await (await learner.GetAsync("/api/v1/me/export")).JsonAsync();
        var exported = Assert.Single(export.GetProperty("credentials").EnumerateArray());
        Assert.Equal((credentialId, cert, jwt, false), (exported.GetProperty("credentialId").GetString(), exported.GetProperty("certificationId").GetString(),
            exported.GetProperty("credential").GetString(), exported.GetProperty("revoked").GetBoolean()));
        using (var zip = new System.IO.Compression.ZipArchive(await (await learner.GetAsync("/api/v1/me/export?format=csv")).Content.ReadAsStreamAsync()))
        {
            var rows = new StreamReader(zip.GetEntry("credentials.csv")!.Open()).ReadToEnd().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("credentialId,certificationId,issuedAt,validUntil,revoked,credential", rows[0]);
            Assert.StartsWith($"{credentialId},{cert},", rows[1]);
            Assert.EndsWith($",false,{jwt}", rows[1]);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await learner.DeleteAsync("/api/v1/me")).StatusCode);

        using var anonymous = App.ClientFor(null);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/credentials/{credentialId}")).StatusCode);
        // A copy handed out before the erase still proves itself, as revoked.
        Assert.Equal("revoked", (await VerifyAsync(jwt)).GetProperty("status").GetString());
        Assert.Empty((await (await learner.GetAsync("/api/v1/me/export")).JsonAsync()).GetProperty("credentials").EnumerateArray());
        Assert.Empty(await SqliteTraces.FindAsync(App.DataDirectory, user));
    }
}
