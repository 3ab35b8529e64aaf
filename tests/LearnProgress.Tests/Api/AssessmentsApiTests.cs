using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Api;

/// <summary>Skills, quizzes, attempts and mastery through the HTTP API, on the embedded service.</summary>
public sealed class AssessmentsApiTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private LearnProgressApp App => fixture.App;
    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A course with one lecture and quiz q1: i1 (1 point, skill A), i2 (2 points, skills A and B), pass at 60 %.</summary>
    private async Task<(string Course, string SkillA, string SkillB)> QuizAsync()
    {
        var course = await App.CreateCourseAsync(600);
        var a = Unique.Id("s");
        var b = Unique.Id("s");
        using var admin = App.Admin();
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync($"/api/v1/skills/{a}", new { name = "Skill A" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync($"/api/v1/skills/{b}", new { name = "Skill B", description = "b" })).StatusCode);
        var quiz = await admin.PutAsJsonAsync($"/api/v1/courses/{course}/quizzes/q1", new
        {
            title = "Quiz 1", passPercent = 60,
            items = new object[] { new { itemId = "i1", maxPoints = 1, skills = new[] { a } }, new { itemId = "i2", maxPoints = 2, skills = new[] { a, b } } },
        });
        Assert.Equal(HttpStatusCode.Created, quiz.StatusCode);
        return (course, a, b);
    }

    private static object Attempt(string id, string course, long submittedAt, double i1, double i2, string quiz = "q1") => new
    {
        attemptId = id, courseId = course, quizId = quiz, startedAt = submittedAt - 60_000, submittedAt,
        items = new object[] { new { itemId = "i1", points = i1 }, new { itemId = "i2", points = i2 } },
    };

    private static async Task<List<JsonElement>> EventsAsync(LearnProgressApp app, string user)
    {
        using var integration = app.ClientFor(TestTokens.Timeless("system-1", "integration"));
        var events = new List<JsonElement>();
        var after = "0";
        while (true)
        {
            var page = await (await integration.GetAsync($"/api/v1/events?after={after}&limit=500")).JsonAsync();
            var items = page.GetProperty("events").EnumerateArray().ToList();
            events.AddRange(items);
            if (items.Count == 0) break;
            after = page.GetProperty("next").GetString()!;
        }
        return events.Where(e => e.GetProperty("data").TryGetProperty("userId", out var u) && u.GetString() == user).ToList();
    }

    [Fact]
    public async Task A_quiz_retaken_20_points_better_earns_the_improvement_achievement()
    {
        var (course, _, _) = await QuizAsync();
        using var learner = App.Learner(Unique.Id("u"));

        (await learner.PostAsJsonAsync("/api/v1/attempts", Attempt("first", course, Now - 5_000, 0, 1))).EnsureSuccessStatusCode();
        var before = await (await learner.GetAsync("/api/v1/achievements")).JsonAsync();
        (await learner.PostAsJsonAsync("/api/v1/attempts", Attempt("second", course, Now - 1_000, 1, 1))).EnsureSuccessStatusCode();
        var after = await (await learner.GetAsync("/api/v1/achievements")).JsonAsync();

        static string[] Earned(JsonElement answer) => answer.GetProperty("earned").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToArray();
        Assert.DoesNotContain("quiz-improved-20", Earned(before));
        Assert.Contains("quiz-improved-20", Earned(after));   // 33.33 % then 66.67 %
    }

    [Fact]
    public async Task An_attempt_is_scored_and_a_retry_answers_the_same_and_counts_once()
    {
        var (course, a, b) = await QuizAsync();
        var user = Unique.Id("u");
        using var learner = App.Learner(user);
        var body = Attempt("try-1", course, Now - 1000, 1, 1);

        var first = await learner.PostAsJsonAsync("/api/v1/attempts", body);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var answer = await first.Content.ReadAsStringAsync();
        var json = JsonDocument.Parse(answer).RootElement;
        Assert.Equal(2, json.GetProperty("score").GetDouble());
        Assert.Equal(3, json.GetProperty("maxScore").GetDouble());
        Assert.Equal(66.67, json.GetProperty("percent").GetDouble());
        Assert.True(json.GetProperty("passed").GetBoolean());
        var skills = json.GetProperty("skills").EnumerateArray().ToDictionary(s => s.GetProperty("skillId").GetString()!);
        Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal), skills.Keys.Order(StringComparer.Ordinal));
        Assert.True(skills[a].GetProperty("change").GetDouble() > 0);
        Assert.Equal(skills[b].GetProperty("mastery").GetDouble() - 0.2, skills[b].GetProperty("change").GetDouble(), 3);

        var retry = await learner.PostAsJsonAsync("/api/v1/attempts", body);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(answer, await retry.Content.ReadAsStringAsync());

        var mine = await (await learner.GetAsync("/api/v1/me/skills")).JsonAsync();
        var skillA = mine.EnumerateArray().Single(s => s.GetProperty("skillId").GetString() == a);
        Assert.Equal(2, skillA.GetProperty("observations").GetInt32());
        Assert.Equal("Skill A", skillA.GetProperty("name").GetString());
        Assert.EndsWith("Z", skillA.GetProperty("lastAssessed").GetString());

        var events = await EventsAsync(App, user);
        Assert.Single(events, e => e.GetProperty("type").GetString() == "attempt.submitted");
        Assert.Single(events, e => e.GetProperty("type").GetString() == "quiz.passed");
    }

    [Fact]
    public async Task The_same_attempt_id_with_another_body_is_a_conflict_and_changes_nothing()
    {
        var (course, _, _) = await QuizAsync();
        using var learner = App.Learner(Unique.Id("u"));
        var at = Now - 1000;
        Assert.Equal(HttpStatusCode.OK, (await learner.PostAsJsonAsync("/api/v1/attempts", Attempt("t1", course, at, 1, 0))).StatusCode);
        var before = await (await learner.GetAsync("/api/v1/me/skills")).Content.ReadAsStringAsync();

        var problem = await (await learner.PostAsJsonAsync("/api/v1/attempts", Attempt("t1", course, at, 1, 2))).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("attemptId", problem.ErrorFields());
        Assert.Equal(before, await (await learner.GetAsync("/api/v1/me/skills")).Content.ReadAsStringAsync());
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadAttempts()
    {
        var day = 24L * 3600 * 1000;
        var now = Now;
        string Body(string attemptId = "x1", string quiz = "q1", long? started = null, long? submitted = null, string items = """[{"itemId":"i1","points":1}]""") =>
            $$"""{"attemptId":"{{attemptId}}","courseId":"$C","quizId":"{{quiz}}","startedAt":{{started ?? now - 2000}},"submittedAt":{{submitted ?? now - 1000}},"items":{{items}}}""";
        return new()
        {
            { "unknown item", Body(items: """[{"itemId":"i9","points":1}]"""), HttpStatusCode.BadRequest, "items[0]" },
            { "duplicate item", Body(items: """[{"itemId":"i1","points":1},{"itemId":"i1","points":0}]"""), HttpStatusCode.BadRequest, "items" },
            { "points above maxPoints", Body(items: """[{"itemId":"i2","points":3}]"""), HttpStatusCode.BadRequest, "items[0]" },
            { "negative points", Body(items: """[{"itemId":"i1","points":-1}]"""), HttpStatusCode.BadRequest, "items[0].points" },
            { "no items", Body(items: "[]"), HttpStatusCode.BadRequest, "items" },
            { "submitted in the future", Body(submitted: now + 600_000), HttpStatusCode.BadRequest, "submittedAt" },
            { "started in the future", Body(started: now + 600_000, submitted: now + 600_001), HttpStatusCode.BadRequest, "startedAt" },
            { "submitted before started", Body(started: now - 1000, submitted: now - 5000), HttpStatusCode.BadRequest, "submittedAt" },
            { "submitted 31 days ago", Body(started: now - 32 * day, submitted: now - 31 * day), HttpStatusCode.BadRequest, "submittedAt" },
            { "attempt id with a colon", Body(attemptId: "a:b"), HttpStatusCode.BadRequest, "attemptId" },
            { "attempt id of 65 characters", Body(attemptId: new string('a', 65)), HttpStatusCode.BadRequest, "attemptId" },
            { "unknown quiz", Body(quiz: "q9"), HttpStatusCode.NotFound, "quizId" },
            { "points as string", Body(items: """[{"itemId":"i1","points":"1"}]"""), HttpStatusCode.BadRequest, "items[0].points" },
            { "missing submittedAt", """{"attemptId":"x1","courseId":"$C","quizId":"q1","startedAt":1,"items":[{"itemId":"i1","points":1}]}""", HttpStatusCode.BadRequest, "submittedAt" },
            { "not an object", "[1]", HttpStatusCode.BadRequest, "$" },
            { "missing items", """{"attemptId":"x1","courseId":"$C","quizId":"q1","startedAt":1,"submittedAt":2}""", HttpStatusCode.BadRequest, "items" },
        };
    }

    [Theory]
    [MemberData(nameof(BadAttempts))]
    public async Task A_bad_attempt_is_refused_and_changes_nothing(string _, string body, HttpStatusCode status, string field)
    {
        var (course, _, _) = await QuizAsync();
        var user = Unique.Id("u");
        using var learner = App.Learner(user);

        var problem = await (await learner.PostJsonAsync("/api/v1/attempts", body.Replace("$C", course))).AssertProblemAsync(status);

        Assert.Contains(field, problem.ErrorFields());
        Assert.Equal("[]", await (await learner.GetAsync("/api/v1/me/skills")).Content.ReadAsStringAsync());
        Assert.Empty(await EventsAsync(App, user));
    }

    [Fact]
    public async Task An_attempt_at_an_unknown_course_is_not_found()
    {
        using var learner = App.Learner(Unique.Id("u"));
        await (await learner.PostAsJsonAsync("/api/v1/attempts", Attempt("t1", Unique.Id("c"), Now, 1, 1))).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Progress_shows_average_score_passes_readiness_and_trend_and_completion_stays_lectures_only()
    {
        var (course, _, _) = await QuizAsync();
        using var learner = App.Learner(Unique.Id("u"));
        var empty = await (await learner.GetAsync($"/api/v1/progress/{course}")).JsonAsync();
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("readiness").ValueKind);
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("averageScore").ValueKind);

        var at = Now - 100_000;
        // 0 %, 33.33 %, 100 %: best 100; mean 44.4 → beginner; slope 50 per attempt.
        foreach (var (id, i1, i2, offset) in new[] { ("a1", 0.0, 0.0, 0), ("a2", 1.0, 0.0, 1000), ("a3", 1.0, 2.0, 2000) })
            Assert.Equal(HttpStatusCode.OK, (await learner.PostAsJsonAsync("/api/v1/attempts", Attempt(id, course, at + offset, i1, i2))).StatusCode);

        var progress = await (await learner.GetAsync($"/api/v1/progress/{course}")).JsonAsync();
        Assert.Equal(100, progress.GetProperty("averageScore").GetDouble());
        Assert.Equal(1, progress.GetProperty("quizzesPassed").GetInt32());
        Assert.Equal("beginner", progress.GetProperty("readiness").GetString());
        Assert.Equal(50, progress.GetProperty("trend").GetDouble(), 1);
        Assert.Equal(0, progress.GetProperty("completionPercentage").GetDouble());
    }

    [Fact]
    public async Task The_course_lists_its_quizzes_beside_its_lectures()
    {
        var (course, a, _) = await QuizAsync();
        using var learner = App.Learner(Unique.Id("u"));
        var json = await (await learner.GetAsync($"/api/v1/courses/{course}")).JsonAsync();
        var quiz = json.GetProperty("quizzes").EnumerateArray().Single();
        Assert.Equal("q1", quiz.GetProperty("quizId").GetString());
        Assert.Equal(3, quiz.GetProperty("maxScore").GetDouble());
        Assert.Equal(1, json.GetProperty("lectures").GetArrayLength());
        var skills = await (await learner.GetAsync("/api/v1/skills")).JsonAsync();
        Assert.Contains(skills.EnumerateArray(), s => s.GetProperty("skillId").GetString() == a);
    }

    [Fact]
    public async Task The_catalog_checks_its_input()
    {
        var course = await App.CreateCourseAsync(600);
        using var admin = App.Admin();
        var skill = Unique.Id("s");
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync($"/api/v1/skills/{skill}", new { name = "S" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/skills/{skill}", new { name = "S2" })).StatusCode);
        await (await admin.PutAsJsonAsync($"/api/v1/skills/{skill}", new { name = "" })).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PutAsJsonAsync("/api/v1/skills/a:b", new { name = "S" })).AssertProblemAsync(HttpStatusCode.BadRequest);

        var unknownSkill = await (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/quizzes/q1", new
        {
            title = "Q", passPercent = 50, items = new[] { new { itemId = "i1", maxPoints = 1, skills = new[] { skill, "no-such-skill" } } },
        })).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("items[0].skills[1]", unknownSkill.ErrorFields());

        await (await admin.PutAsJsonAsync($"/api/v1/courses/{Unique.Id("c")}/quizzes/q1", new
        {
            title = "Q", passPercent = 50, items = new[] { new { itemId = "i1", maxPoints = 1, skills = new[] { skill } } },
        })).AssertProblemAsync(HttpStatusCode.NotFound);
        var badPass = await (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/quizzes/q1", new
        {
            title = "Q", passPercent = 150, items = new[] { new { itemId = "i1", maxPoints = 0, skills = new[] { skill } } },
        })).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("passPercent", badPass.ErrorFields());
        Assert.Contains("items[0].maxPoints", badPass.ErrorFields());
        var noItems = await (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/quizzes/q1", new { title = "Q", passPercent = 50 }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("items", noItems.ErrorFields());
        var json = await (await admin.GetAsync($"/api/v1/courses/{course}")).JsonAsync();
        Assert.Equal(0, json.GetProperty("quizzes").GetArrayLength());
    }

    [Fact]
    public async Task Catalog_writes_and_analytics_need_the_admin_role()
    {
        var (course, _, _) = await QuizAsync();
        using var learner = App.Learner(Unique.Id("u"));
        Assert.Equal(HttpStatusCode.Forbidden, (await learner.PutAsJsonAsync($"/api/v1/skills/{Unique.Id("s")}", new { name = "S" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await learner.PutAsJsonAsync($"/api/v1/courses/{course}/quizzes/q2", new { title = "Q" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await learner.GetAsync($"/api/v1/courses/{course}/quiz-analytics")).StatusCode);
        using var anonymous = App.ClientFor(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/skills")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/attempts", new { })).StatusCode);
    }

    [Fact]
    public async Task A_learner_sees_only_their_own_mastery_whatever_the_body_says()
    {
        var (course, a, _) = await QuizAsync();
        var alice = Unique.Id("u");
        var bob = Unique.Id("u");
        using var asAlice = App.Learner(alice);
        using var asBob = App.Learner(bob);
        // A userId in the body is not a field of the request; the token's subject is the learner.
        var body = JsonSerializer.Serialize(Attempt("t1", course, Now - 1000, 1, 2)).TrimEnd('}') + $",\"userId\":\"{bob}\"}}";
        var response = await asAlice.PostJsonAsync("/api/v1/attempts", body);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{response.StatusCode}");

        Assert.Equal("[]", await (await asBob.GetAsync("/api/v1/me/skills")).Content.ReadAsStringAsync());
        // Bob may use the same attempt id: ids are the learner's own.
        Assert.Equal(HttpStatusCode.OK, (await asBob.PostAsJsonAsync("/api/v1/attempts", Attempt("t1", course, Now - 1000, 0, 0))).StatusCode);
        var bobs = await (await asBob.GetAsync("/api/v1/me/skills")).JsonAsync();
        Assert.True(bobs.EnumerateArray().Single(s => s.GetProperty("skillId").GetString() == a).GetProperty("mastery").GetDouble() < 0.2);
    }

    [Fact]
    public async Task Mastery_is_reached_once_and_raises_its_event_once()
    {
        var (course, a, _) = await QuizAsync();
        var user = Unique.Id("u");
        using var learner = App.Learner(user);
        var at = Now - 100_000;
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await learner.PostAsJsonAsync("/api/v1/attempts", Attempt($"m{i}", course, at + i, 1, 2))).StatusCode);

        var skills = await (await learner.GetAsync("/api/v1/me/skills")).JsonAsync();
        Assert.True(skills.EnumerateArray().Single(s => s.GetProperty("skillId").GetString() == a).GetProperty("mastered").GetBoolean());
        var events = await EventsAsync(App, user);
        Assert.Equal(3, events.Count(e => e.GetProperty("type").GetString() == "attempt.submitted"));
        Assert.Single(events, e => e.GetProperty("type").GetString() == "quiz.passed");
        Assert.Single(events, e => e.GetProperty("type").GetString() == "skill.mastered" && e.GetProperty("data").GetProperty("skillId").GetString() == a);
    }

    [Fact]
    public async Task Quiz_analytics_report_items_and_skill_bands_of_the_course()
    {
        var (course, a, _) = await QuizAsync();
        foreach (var (i1, i2) in new[] { (1.0, 2.0), (0.0, 0.0), (1.0, 1.0) })
        {
            using var learner = App.Learner(Unique.Id("u"));
            Assert.Equal(HttpStatusCode.OK, (await learner.PostAsJsonAsync("/api/v1/attempts", Attempt("t1", course, Now - 1000, i1, i2))).StatusCode);
        }
        using var admin = App.Admin();
        var report = await (await admin.GetAsync($"/api/v1/courses/{course}/quiz-analytics")).JsonAsync();

        Assert.Equal(3, report.GetProperty("attempts").GetInt32());
        var i1Item = report.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("itemId").GetString() == "i1");
        Assert.Equal(3, i1Item.GetProperty("attempts").GetInt32());
        Assert.Equal(0.6667, i1Item.GetProperty("difficulty").GetDouble());
        Assert.True(i1Item.GetProperty("discrimination").GetDouble() > 0);
        var bands = report.GetProperty("skills").EnumerateArray().Single(s => s.GetProperty("skillId").GetString() == a);
        Assert.Equal(3, bands.GetProperty("learners").GetInt32());
        Assert.Equal(3, bands.GetProperty("bands").EnumerateArray().Sum(b => b.GetInt32()));
        await (await admin.GetAsync($"/api/v1/courses/{Unique.Id("c")}/quiz-analytics")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DataRights_export_holds_attempts_and_mastery_and_erase_removes_them()
    {
        var (course, a, _) = await QuizAsync();
        var user = Unique.Id("u");
        using var learner = App.Learner(user);
        Assert.Equal(HttpStatusCode.OK, (await learner.PostAsJsonAsync("/api/v1/attempts", Attempt("t1", course, Now - 1000, 1, 0))).StatusCode);

        var export = await (await learner.GetAsync("/api/v1/me/export")).JsonAsync();
        Assert.Equal("t1", export.GetProperty("attempts")[0].GetProperty("attemptId").GetString());
        Assert.Contains(export.GetProperty("skills").EnumerateArray(), s => s.GetProperty("skillId").GetString() == a);

        var xapi = await (await learner.GetAsync("/api/v1/me/export?format=xapi")).JsonAsync();
        var scored = xapi.EnumerateArray().Single(s => s.GetProperty("verb").GetProperty("id").GetString()!.EndsWith("/scored", StringComparison.Ordinal));
        Assert.Equal(Math.Round(1 / 3.0, 4), scored.GetProperty("result").GetProperty("score").GetProperty("scaled").GetDouble());
        Assert.Single(xapi.EnumerateArray(), s => s.GetProperty("verb").GetProperty("id").GetString()!.EndsWith("/failed", StringComparison.Ordinal));

        var zip = new ZipArchive(new MemoryStream(await (await learner.GetAsync("/api/v1/me/export?format=csv")).Content.ReadAsByteArrayAsync()));
        using (var reader = new StreamReader(zip.GetEntry("attempts.csv")!.Open()))
            Assert.Contains("t1", await reader.ReadToEndAsync());
        Assert.NotNull(zip.GetEntry("skills.csv"));

        Assert.Equal(HttpStatusCode.NoContent, (await learner.DeleteAsync("/api/v1/me")).StatusCode);
        Assert.Equal("[]", await (await learner.GetAsync("/api/v1/me/skills")).Content.ReadAsStringAsync());
        Assert.Equal(0, (await (await learner.GetAsync("/api/v1/me/export")).JsonAsync()).GetProperty("attempts").GetArrayLength());
    }
}
