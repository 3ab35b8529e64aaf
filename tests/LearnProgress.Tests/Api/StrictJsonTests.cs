using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Api;

/// <summary>
/// A body that is not valid UTF-8 anywhere, or repeats a key anywhere (known or unknown), is a 400 problem and
/// writes nothing: no field is ever dropped without a word.
/// </summary>
public sealed class StrictJsonTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private LearnProgressApp App => fixture.App;

    public static TheoryData<string, string, string, string> BadBodies() => new()
    {
        // Bytes as Latin-1 text: \xff\xfe in a key or a value are not UTF-8.
        { "invalid UTF-8 in a property name", "/api/v1/progress/save",
            "{\"courseId\":\"$C\",\"lectureId\":\"l1\",\"watchTime\":30,\"\xff\xfesegmentStart\":0}", "$" },
        { "invalid UTF-8 in an unknown value", "/api/v1/progress/save",
            "{\"courseId\":\"$C\",\"lectureId\":\"l1\",\"watchTime\":30,\"note\":\"\xc3\x28\"}", "$" },
        { "overlong UTF-8 encoding", "/api/v1/progress/save",
            "{\"courseId\":\"$C\",\"lectureId\":\"l1\",\"watchTime\":30,\"n\":\"\xc0\xaf\"}", "$" },
        { "lone surrogate escaped in a property name", "/api/v1/progress/save",
            """{"courseId":"$C","lectureId":"l1","watchTime":30,"\ud800segmentStart":0}""", "$" },
        { "lone surrogate escaped in a value", "/api/v1/progress/save",
            """{"courseId":"$C","lectureId":"l1","watchTime":30,"note":"\udfff"}""", "note" },
        { "duplicated unknown key", "/api/v1/progress/save",
            """{"courseId":"$C","lectureId":"l1","watchTime":30,"extra":1,"extra":2}""", "extra" },
        { "known key repeated in another case", "/api/v1/progress/save",
            """{"courseId":"$C","lectureId":"l1","watchTime":30,"WatchTime":5}""", "WatchTime" },
        { "duplicated key inside a batch ping", "/api/v1/progress/batch",
            """{"pings":[{"courseId":"$C","lectureId":"l1","watchTime":5},{"courseId":"$C","lectureId":"l1","watchTime":9,"x":1,"x":1}]}""",
            "pings[1].x" },
        { "duplicated key in a nested unknown object", "/api/v1/progress/save",
            """{"courseId":"$C","lectureId":"l1","watchTime":30,"meta":{"a":1,"a":1}}""", "meta.a" },
        { "duplicated top-level key of a batch", "/api/v1/progress/batch",
            """{"pings":[{"courseId":"$C","lectureId":"l1","watchTime":5}],"pings":[]}""", "pings" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_body_with_invalid_text_or_a_repeated_key_is_refused_and_changes_nothing(string _, string path, string body, string field)
    {
        var course = await App.CreateCourseAsync(600);
        var user = Unique.Id("u");
        using var learner = App.Learner(user);
        var pendingBefore = await App.Buffer.CountPendingAsync();

        var response = await learner.PostAsync(path, Raw(body.Replace("$C", course)));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
        Assert.Empty(await App.Buffer.ReadAsync(user, course));
        Assert.Equal(pendingBefore, await App.Buffer.CountPendingAsync());
    }

    [Fact]
    public async Task Course_writes_are_held_to_the_same_rules()
    {
        using var admin = App.Admin();
        var course = Unique.Id("c");

        var response = await admin.PostAsync("/api/v1/courses", Raw($$"""{"id":"{{course}}","title":"A","title":"B"}"""));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/courses/{course}")).StatusCode);
    }

    [Fact]
    public async Task Valid_text_with_escapes_and_the_same_key_in_sibling_objects_is_accepted()
    {
        var course = await App.CreateCourseAsync(600, 600);
        var user = Unique.Id("u");
        using var learner = App.Learner(user);

        // A key may repeat in different objects; escaped and multi-byte text that is valid Unicode is fine.
        var response = await learner.PostAsync("/api/v1/progress/batch", Raw($$"""
            {"pings":[{"courseId":"{{course}}","lectureId":"l1","watchTime":5,"note":"caf\u00e9 € ☕ \ud83d\ude00"},
                      {"courseId":"{{course}}","lectureId":"l2","watchTime":9,"note":"€"}]}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await App.Buffer.ReadAsync(user, course)).Count);
    }

    /// <summary>The body's bytes exactly as written: each char of <paramref name="text"/> below 0x100 is one byte, others UTF-8.</summary>
    private static ByteArrayContent Raw(string text)
    {
        var bytes = new List<byte>();
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value is >= 0x80 and < 0x100) bytes.Add((byte)rune.Value);
            else bytes.AddRange(Encoding.UTF8.GetBytes(rune.ToString()));
        }
        var content = new ByteArrayContent([.. bytes]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
