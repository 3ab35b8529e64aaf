using System.Net;
using System.Net.Http.Json;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Api;

/// <summary>Who may call what: the learner comes from the token, catalog and operations need the admin role.</summary>
public sealed class AccessTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private LearnProgressApp App => fixture.App;

    public static TheoryData<string, string> BadTokens() => new()
    {
        { "none", "" },
        { "garbage", "not-a-jwt" },
        { "other key", TestTokens.Create("u1", key: "another-signing-key-that-is-long-enough-123") },
        { "other issuer", TestTokens.Create("u1", issuer: "someone-else") },
        { "other audience", TestTokens.Create("u1", audience: "someone-else") },
        { "expired", TestTokens.Create("u1", notBefore: DateTime.UtcNow.AddHours(-3), lifetime: TimeSpan.FromHours(1)) },
        { "unsigned", UnsignedToken("u1") },
    };

    private static string UnsignedToken(string sub)
    {
        static string B64(string s) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return $"{B64("""{"alg":"none","typ":"JWT"}""")}.{B64($$"""{"sub":"{{sub}}","iss":"learnprogress","aud":"learnprogress","exp":{{exp}}}""")}.";
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_request_without_a_valid_token_is_a_401_and_writes_nothing(string _, string token)
    {
        var course = await App.CreateCourseAsync(600);
        using var client = App.ClientFor(token == "" ? null : token);

        var save = await client.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 5 });
        var read = await client.GetAsync($"/api/v1/progress/{course}");

        await save.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await read.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Empty(await App.Buffer.ReadAsync("u1", course));
    }

    [Theory]
    [InlineData("POST", "/api/v1/courses")]
    [InlineData("PUT", "/api/v1/courses/c1/lectures/l1")]
    [InlineData("DELETE", "/api/v1/courses/c1/lectures/l1")]
    [InlineData("POST", "/api/v1/admin/flush")]
    [InlineData("GET", "/hangfire")]
    public async Task A_learner_cannot_reach_catalog_writes_or_operations(string method, string path)
    {
        using var learner = App.Learner(Unique.Id("u"));
        var response = await learner.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "GET" ? null : JsonContent.Create(new { id = "c1", title = "t", durationSeconds = 5 }),
        });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Anonymous_callers_cannot_open_the_dashboard()
    {
        using var anonymous = App.ClientFor(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/hangfire")).StatusCode);
    }

    [Fact]
    public async Task An_admin_opens_the_dashboard()
    {
        using var admin = App.Admin();
        var response = await admin.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("LearnProgress jobs", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("a:b")]
    [InlineData("{b1}")]
    [InlineData("auth0|12345")]
    public async Task A_subject_that_cannot_be_a_learner_id_is_a_403(string sub)
    {
        var course = await App.CreateCourseAsync(600);
        using var client = App.ClientFor(TestTokens.Create(sub));
        var response = await client.PostAsJsonAsync("/api/v1/progress/save", new { courseId = course, lectureId = "l1", watchTime = 5 });
        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_token_without_a_subject_is_a_403()
    {
        using var client = App.ClientFor(TestTokens.Create(null));
        var response = await client.GetAsync($"/api/v1/progress/{Unique.Id("c")}");
        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_user_id_in_the_body_is_ignored()
    {
        var course = await App.CreateCourseAsync(600);
        var victim = Unique.Id("victim");
        var attacker = Unique.Id("attacker");
        using var client = App.Learner(attacker);

        await client.PostJsonAsync("/api/v1/progress/save", $$"""{"userId":"{{victim}}","courseId":"{{course}}","lectureId":"l1","watchTime":5}""");

        Assert.Empty(await App.Buffer.ReadAsync(victim, course));
        Assert.Equal(5, (await App.Buffer.ReadAsync(attacker, course))["l1"].Position);
    }

    [Fact]
    public async Task Health_and_docs_are_open()
    {
        using var anonymous = App.ClientFor(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/swagger/v1/swagger.json")).StatusCode);
    }

    [Fact]
    public async Task Any_learner_reads_the_catalog_and_its_lecture_counter()
    {
        var course = await App.CreateCourseAsync(600, 300, 120);
        using var admin = App.Admin();
        (await admin.DeleteAsync($"/api/v1/courses/{course}/lectures/l2")).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/lectures/l1", new { title = "Renamed", durationSeconds = 650 })).EnsureSuccessStatusCode();
        using var learner = App.Learner(Unique.Id("u"));

        var body = await (await learner.GetAsync($"/api/v1/courses/{course}")).JsonAsync();

        Assert.Equal(2, body.GetProperty("totalLectures").GetInt32());
        var lectures = body.GetProperty("lectures").EnumerateArray().ToList();
        Assert.Equal(["l1", "l3"], lectures.Select(l => l.GetProperty("id").GetString()));
        Assert.Equal(650, lectures[0].GetProperty("durationSeconds").GetDouble());
        await (await admin.DeleteAsync($"/api/v1/courses/{course}/lectures/l2")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
