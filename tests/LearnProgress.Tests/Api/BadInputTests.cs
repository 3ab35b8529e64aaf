using System.Net;
using System.Net.Http.Json;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Api;

/// <summary>Bad input gets a problem response naming the field, and changes nothing in buffer or store.</summary>
public sealed class BadInputTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private LearnProgressApp App => fixture.App;
    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public static TheoryData<string, string, HttpStatusCode, string> BadPings()
    {
        var day = 24L * 3600 * 1000;
        return new()
        {
            { "negative watchTime", """{"courseId":"$C","lectureId":"l1","watchTime":-1}""", HttpStatusCode.BadRequest, "watchTime" },
            { "watchTime beyond the lecture", """{"courseId":"$C","lectureId":"l1","watchTime":601}""", HttpStatusCode.BadRequest, "watchTime" },
            { "watchTime beyond duration", """{"courseId":"$C","lectureId":"l1","watchTime":50,"duration":40}""", HttpStatusCode.BadRequest, "watchTime" },
            { "huge watchTime", """{"courseId":"$C","lectureId":"l1","watchTime":1e300}""", HttpStatusCode.BadRequest, "watchTime" },
            { "overflowing number", """{"courseId":"$C","lectureId":"l1","watchTime":1e400}""", HttpStatusCode.BadRequest, "watchTime" },
            { "NaN literal", """{"courseId":"$C","lectureId":"l1","watchTime":NaN}""", HttpStatusCode.BadRequest, "watchTime" },
            { "NaN string", """{"courseId":"$C","lectureId":"l1","watchTime":"NaN"}""", HttpStatusCode.BadRequest, "watchTime" },
            { "number as string", """{"courseId":"$C","lectureId":"l1","watchTime":"12"}""", HttpStatusCode.BadRequest, "watchTime" },
            { "missing watchTime", """{"courseId":"$C","lectureId":"l1"}""", HttpStatusCode.BadRequest, "watchTime" },
            { "negative duration", """{"courseId":"$C","lectureId":"l1","watchTime":1,"duration":-3}""", HttpStatusCode.BadRequest, "duration" },
            { "zero duration", """{"courseId":"$C","lectureId":"l1","watchTime":0,"duration":0}""", HttpStatusCode.BadRequest, "duration" },
            { "negative segmentStart", """{"courseId":"$C","lectureId":"l1","watchTime":5,"segmentStart":-1}""", HttpStatusCode.BadRequest, "segmentStart" },
            { "segmentStart after watchTime", """{"courseId":"$C","lectureId":"l1","watchTime":5,"segmentStart":9}""", HttpStatusCode.BadRequest, "segmentStart" },
            { "clientTs 31 days old", $$"""{"courseId":"$C","lectureId":"l1","watchTime":5,"clientTs":{{Now - 31 * day}}}""", HttpStatusCode.BadRequest, "clientTs" },
            { "clientTs 10 minutes ahead", $$"""{"courseId":"$C","lectureId":"l1","watchTime":5,"clientTs":{{Now + 600_000}}}""", HttpStatusCode.BadRequest, "clientTs" },
            { "negative clientTs", """{"courseId":"$C","lectureId":"l1","watchTime":5,"clientTs":-1}""", HttpStatusCode.BadRequest, "clientTs" },
            { "fractional clientTs", """{"courseId":"$C","lectureId":"l1","watchTime":5,"clientTs":1.5}""", HttpStatusCode.BadRequest, "clientTs" },
            { "unknown course", """{"courseId":"no-such-course","lectureId":"l1","watchTime":5}""", HttpStatusCode.NotFound, "courseId" },
            { "unknown lecture", """{"courseId":"$C","lectureId":"l9","watchTime":5}""", HttpStatusCode.NotFound, "lectureId" },
            { "course id with a colon", """{"courseId":"a:b","lectureId":"l1","watchTime":5}""", HttpStatusCode.BadRequest, "courseId" },
            { "course id with a hash tag", """{"courseId":"{b1}","lectureId":"l1","watchTime":5}""", HttpStatusCode.BadRequest, "courseId" },
            { "lecture id with a space", """{"courseId":"$C","lectureId":"l 1","watchTime":5}""", HttpStatusCode.BadRequest, "lectureId" },
            { "lecture id with a newline", """{"courseId":"$C","lectureId":"l1\n","watchTime":5}""", HttpStatusCode.BadRequest, "lectureId" },
            { "lecture id of 65 characters", $$"""{"courseId":"$C","lectureId":"{{new string('a', 65)}}","watchTime":5}""", HttpStatusCode.BadRequest, "lectureId" },
            { "unicode lecture id", """{"courseId":"$C","lectureId":"lé","watchTime":5}""", HttpStatusCode.BadRequest, "lectureId" },
            { "empty course id", """{"courseId":"","lectureId":"l1","watchTime":5}""", HttpStatusCode.BadRequest, "courseId" },
            { "missing ids", """{"watchTime":5}""", HttpStatusCode.BadRequest, "courseId" },
            { "session id with slash", """{"courseId":"$C","lectureId":"l1","watchTime":5,"sessionId":"a/b"}""", HttpStatusCode.BadRequest, "sessionId" },
            { "course id as number", """{"courseId":5,"lectureId":"l1","watchTime":5}""", HttpStatusCode.BadRequest, "courseId" },
            { "duplicate key", """{"courseId":"$C","lectureId":"l1","watchTime":5,"watchTime":6}""", HttpStatusCode.BadRequest, "watchTime" },
            { "truncated JSON", """{"courseId":"$C","lectureId":"l1","watchTi""", HttpStatusCode.BadRequest, "$" },
            { "not an object", "[1,2,3]", HttpStatusCode.BadRequest, "$" },
            { "null body", "null", HttpStatusCode.BadRequest, "$" },
            { "empty body", "", HttpStatusCode.BadRequest, "$" },
        };
    }

    [Theory]
    [MemberData(nameof(BadPings))]
    public async Task A_bad_ping_is_refused_and_changes_nothing(string _, string body, HttpStatusCode status, string field)
    {
        var course = await App.CreateCourseAsync(600);
        var user = Unique.Id("u");
        using var learner = App.Learner(user);
        var pendingBefore = await App.Buffer.CountPendingAsync();

        var response = await learner.PostJsonAsync("/api/v1/progress/save", body.Replace("$C", course));

        var problem = await response.AssertProblemAsync(status);
        if (field != "$") Assert.Contains(field, problem.ErrorFields());
        Assert.Empty(await App.Buffer.ReadAsync(user, course));
        Assert.Equal(pendingBefore, await App.Buffer.CountPendingAsync());
        Assert.Empty(await App.Record.ReadProgressAsync(user, course));
    }

    [Theory]
    [InlineData("""{"pings":[]}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"pings":null}""", HttpStatusCode.BadRequest)]
    [InlineData("""{}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"pings":{"a":1}}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"pings":[{"courseId":"x"}""", HttpStatusCode.BadRequest)]
    public async Task A_bad_batch_is_refused(string body, HttpStatusCode status)
    {
        using var learner = App.Learner(Unique.Id("u"));
        var response = await learner.PostJsonAsync("/api/v1/progress/batch", body);
        await response.AssertProblemAsync(status);
    }

    [Fact]
    public async Task A_batch_of_only_bad_pings_writes_nothing()
    {
        var course = await App.CreateCourseAsync(600);
        var user = Unique.Id("u");
        using var learner = App.Learner(user);

        var response = await learner.PostJsonAsync("/api/v1/progress/batch",
            $$"""{"pings":[null, {"courseId":"{{course}}","lectureId":"l1","watchTime":-1}, {"courseId":"{{course}}","lectureId":"zz","watchTime":1}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(0, body.GetProperty("accepted").GetInt32());
        Assert.Equal(3, body.GetProperty("rejected").GetArrayLength());
        Assert.Empty(await App.Buffer.ReadAsync(user, course));
    }

    [Theory]
    [InlineData("a:b")]
    [InlineData("{b1}")]
    [InlineData("x%20y")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task A_bad_course_id_in_the_url_is_a_400(string courseId)
    {
        using var learner = App.Learner(Unique.Id("u"));
        var response = await learner.GetAsync($"/api/v1/progress/{courseId}");
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("courseId", problem.ErrorFields());
    }

    [Fact]
    public async Task An_unknown_course_is_a_404()
    {
        using var learner = App.Learner(Unique.Id("u"));
        var response = await learner.GetAsync($"/api/v1/progress/{Unique.Id("c")}");
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415()
    {
        using var learner = App.Learner(Unique.Id("u"));
        var response = await learner.PostAsync("/api/v1/progress/save", new StringContent("watchTime=5"));
        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("""{"id":"a:b","title":"t"}""", "id")]
    [InlineData("""{"id":"ok-id","title":""}""", "title")]
    [InlineData("""{"title":"t"}""", "id")]
    public async Task A_bad_course_is_refused(string body, string field)
    {
        using var admin = App.Admin();
        var response = await admin.PostJsonAsync("/api/v1/courses", body);
        Assert.Contains(field, (await response.AssertProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Theory]
    [InlineData("""{"title":"t","durationSeconds":0}""", "durationSeconds")]
    [InlineData("""{"title":"t","durationSeconds":-5}""", "durationSeconds")]
    [InlineData("""{"title":"t"}""", "durationSeconds")]
    [InlineData("""{"durationSeconds":5}""", "title")]
    [InlineData("""{"title":"t","durationSeconds":1e12}""", "durationSeconds")]
    public async Task A_bad_lecture_is_refused_and_the_counter_stays(string body, string field)
    {
        var course = await App.CreateCourseAsync(600);
        using var admin = App.Admin();

        var response = await admin.PutAsync($"/api/v1/courses/{course}/lectures/lx",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Contains(field, (await response.AssertProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(1, (await App.Record.GetCourseAsync(course))!.TotalLectures);
    }

    [Fact]
    public async Task Creating_a_course_twice_is_a_409()
    {
        var course = await App.CreateCourseAsync();
        using var admin = App.Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/courses", new { id = course, title = "again" });
        await response.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_lecture_of_an_unknown_course_is_a_404()
    {
        using var admin = App.Admin();
        var response = await admin.PutAsJsonAsync($"/api/v1/courses/{Unique.Id("c")}/lectures/l1", new { title = "t", durationSeconds = 5 });
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
