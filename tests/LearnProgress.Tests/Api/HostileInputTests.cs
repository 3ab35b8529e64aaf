using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using LearnProgress.Tests.Infrastructure;
using Kind = LearnProgress.Tests.Infrastructure.CraftedTokens.Kind;

namespace LearnProgress.Tests.Api;

/// <summary>
/// Hostile input of every shape, through the HTTP API: each case gets a 4xx problem and leaves the learner's buffered
/// and stored progress, the pending count and the course exactly as they were.
/// </summary>
public sealed class HostileInputTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private LearnProgressApp App => fixture.App;

    /// <summary>Who sends the request: a valid learner or admin token, none, or a token that must be refused.</summary>
    public enum Caller { Learner, Admin, Anonymous, Crafted, BasicScheme, TokenInQuery, SubjectWithSeparator, NoSubject }

    /// <summary>
    /// One hostile request. In <see cref="Path"/> and <see cref="Body"/>, $C is the case's course (lectures l1 of 600 s,
    /// l2 of 300 s). <see cref="Field"/>, when set, must be named in the problem's errors.
    /// </summary>
    public sealed record HostileCase(string Method, string Path, string? Body, HttpStatusCode Status, string? Field = null,
        Caller Caller = Caller.Learner, Kind Token = default, string ContentType = "application/json");

    private const string Save = "/api/v1/progress/save";
    private const string Batch = "/api/v1/progress/batch";
    private const string Read = "/api/v1/progress/$C";
    private const string ValidPing = """{"courseId":"$C","lectureId":"l1","watchTime":5}""";
    private const string ValidBatch = """{"pings":[{"courseId":"$C","lectureId":"l1","watchTime":5}]}""";

    /// <summary>Ids that could forge a Redis separator or hash tag, walk a path, or break a log line, as JSON literals.</summary>
    private static readonly (string Name, string Json)[] BadIds =
    [
        ("colon", "\"a:b\""), ("lone colon", "\":\""), ("hash tag", "\"{b1}\""), ("open brace", "\"a{\""),
        ("close brace", "\"}a\""), ("embedded hash tag", "\"a{b}c\""), ("key lookalike", "\"lp:{b1}:p:x\""),
        ("pipe", "\"a|b\""), ("slash", "\"a/b\""), ("backslash", "\"a\\\\b\""), ("dot dot", "\"..\""),
        ("path walk", "\"../etc\""), ("dot", "\"a.b\""), ("space", "\"a b\""), ("leading space", "\" a\""),
        ("trailing newline", "\"a\\n\""), ("CRLF", "\"a\\r\\nb\""), ("tab", "\"a\\tb\""), ("NUL", "\"a\\u0000b\""),
        ("accented", "\"l\u00e9\""), ("CJK", "\"\u65e5\u672c\""), ("emoji", "\"\ud83d\ude00\""), ("escaped lone surrogate", "\"a\\ud800\""),
        ("percent-encoded", "\"a%3Ab\""), ("star", "\"*\""), ("empty", "\"\""), ("65 characters", $"\"{new string('a', 65)}\""),
        ("1000 characters", $"\"{new string('a', 1000)}\""), ("number", "5"), ("boolean", "true"), ("array", "[\"a\"]"),
        ("object", "{}"),
    ];

    /// <summary>Values no number field accepts, as JSON (some of them not JSON at all).</summary>
    private static readonly (string Name, string Json)[] BadNumbers =
    [
        ("NaN literal", "NaN"), ("Infinity literal", "Infinity"), ("-Infinity literal", "-Infinity"), ("NaN string", "\"NaN\""),
        ("Infinity string", "\"Infinity\""), ("-Infinity string", "\"-Infinity\""), ("number in a string", "\"5\""),
        ("empty string", "\"\""), ("negative", "-1"), ("tiny negative", "-1e-9"), ("huge", "1e300"), ("overflowing", "1e400"),
        ("negative overflowing", "-1e400"), ("beyond 2^63", "9223372036854775808"), ("boolean", "true"), ("array", "[5]"),
        ("object", "{}"), ("hex", "0x10"), ("leading zero", "05"), ("leading dot", ".5"), ("trailing dot", "5."),
        ("plus sign", "+5"), ("digit separator", "1_000"),
    ];

    private static readonly Lazy<Dictionary<string, HostileCase>> All = new(BuildCases);

    public static TheoryData<string> CaseNames() => new(All.Value.Keys);

    internal static IReadOnlyCollection<HostileCase> Cases => All.Value.Values;

    [Fact]
    public void The_suite_has_at_least_200_cases() => Assert.True(All.Value.Count >= 200, $"{All.Value.Count} cases");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Hostile_input_is_a_4xx_problem_and_changes_nothing(string name)
    {
        var hostile = All.Value[name];
        var course = await App.CreateCourseAsync(600, 300);
        var user = Unique.Id("u");
        await SeedAsync(user, course);
        var before = await StateAsync(user, course);

        using var client = App.CreateClient();
        using var request = Build(hostile, user, course);
        var response = await client.SendAsync(request);

        Assert.InRange((int)response.StatusCode, 400, 499);
        var problem = await response.AssertProblemAsync(hostile.Status);
        if (hostile.Field is not null) Assert.Contains(hostile.Field, problem.ErrorFields());
        Assert.Equal(before, await StateAsync(user, course));
    }

    /// <summary>Buffered progress older than any hostile ping would be, so a write that slipped through would show.</summary>
    private async Task SeedAsync(string user, string course)
    {
        using var learner = App.Learner(user);
        var earlier = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1000;
        (await learner.PostJsonAsync(Save, $$"""{"courseId":"{{course}}","lectureId":"l1","watchTime":20,"clientTs":{{earlier}}}""")).EnsureSuccessStatusCode();
    }

    private sealed record State(long Pending, string Buffered, string Stored, string Course);

    private async Task<State> StateAsync(string user, string course)
    {
        static string Show(IReadOnlyDictionary<string, LearnProgress.Core.Progress.LectureProgress> lectures) =>
            string.Join("; ", lectures.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
        var stored = await App.Record.ReadProgressAsync(user, course);
        var catalog = (await App.Record.GetCourseAsync(course))!;
        return new State(await App.Buffer.CountPendingAsync(), Show(await App.Buffer.ReadAsync(user, course)), Show(stored),
            $"{catalog.Title} {catalog.TotalLectures} " + string.Join(",", catalog.Lectures.Select(l => $"{l.Id}:{l.Title}:{l.DurationSeconds}")));
    }

    internal static HttpRequestMessage Build(HostileCase hostile, string user, string course)
    {
        var path = hostile.Path.Replace("$C", course);
        var token = hostile.Caller switch
        {
            Caller.Learner or Caller.TokenInQuery => TestTokens.Learner(user),
            Caller.Admin => TestTokens.Admin(),
            Caller.Crafted => CraftedTokens.Create(hostile.Token, user),
            Caller.SubjectWithSeparator => TestTokens.Learner(user + ":x"),
            Caller.NoSubject => TestTokens.Create(null),
            _ => null,
        };
        if (hostile.Caller == Caller.TokenInQuery) path += (path.Contains('?') ? "&" : "?") + "access_token=" + token;
        var request = new HttpRequestMessage(new HttpMethod(hostile.Method), path);
        if (hostile.Caller == Caller.BasicScheme)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":secret")));
        else if (hostile.Caller != Caller.TokenInQuery && token is not null)
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        if (hostile.Body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(hostile.Body.Replace("$C", course)));
            if (hostile.ContentType != "") request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(hostile.ContentType);
        }
        return request;
    }

    private static Dictionary<string, HostileCase> BuildCases()
    {
        var cases = new Dictionary<string, HostileCase>();
        void Add(string name, HostileCase hostile) => cases.Add(name, hostile);
        const HttpStatusCode bad = HttpStatusCode.BadRequest;

        // Every id field of a ping, with every id that is not one.
        foreach (var field in new[] { "courseId", "lectureId", "sessionId" })
            foreach (var (idName, json) in BadIds)
            {
                var ping = field switch
                {
                    "courseId" => $$"""{"courseId":{{json}},"lectureId":"l1","watchTime":5}""",
                    "lectureId" => $$"""{"courseId":"$C","lectureId":{{json}},"watchTime":5}""",
                    _ => $$"""{"courseId":"$C","lectureId":"l1","watchTime":5,"sessionId":{{json}}}""",
                };
                Add($"save: {field} {idName}", new(HttpMethods.Post, Save, ping, bad, field));
            }

        // Every number field of a ping, with every value that is not an acceptable number.
        foreach (var field in new[] { "watchTime", "duration", "segmentStart", "clientTs" })
            foreach (var (numberName, json) in BadNumbers)
            {
                var ping = field == "watchTime"
                    ? $$"""{"courseId":"$C","lectureId":"l1","watchTime":{{json}}}"""
                    : $$"""{"courseId":"$C","lectureId":"l1","watchTime":5,"{{field}}":{{json}}}""";
                Add($"save: {field} {numberName}", new(HttpMethods.Post, Save, ping, bad, SyntaxError(json) ? null : field));
            }

        // Numbers that are fine alone but not together or not for this lecture.
        var day = 24L * 3600 * 1000;
        Add("save: watchTime beyond the lecture", new(HttpMethods.Post, Save, """{"courseId":"$C","lectureId":"l2","watchTime":301}""", bad, "watchTime"));
        Add("save: watchTime beyond duration", new(HttpMethods.Post, Save, """{"courseId":"$C","lectureId":"l1","watchTime":50,"duration":40}""", bad, "watchTime"));
        Add("save: segmentStart after watchTime", new(HttpMethods.Post, Save, """{"courseId":"$C","lectureId":"l1","watchTime":5,"segmentStart":6}""", bad, "segmentStart"));
        Add("save: zero duration", new(HttpMethods.Post, Save, """{"courseId":"$C","lectureId":"l1","watchTime":0,"duration":0}""", bad, "duration"));
        Add("save: clientTs 31 days old", new(HttpMethods.Post, Save, $$"""{"courseId":"$C","lectureId":"l1","watchTime":5,"clientTs":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 31 * day}}}""", bad, "clientTs"));
        Add("save: clientTs a day ahead", new(HttpMethods.Post, Save, $$"""{"courseId":"$C","lectureId":"l1","watchTime":5,"clientTs":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + day}}}""", bad, "clientTs"));
        Add("save: clientTs zero", new(HttpMethods.Post, Save, """{"courseId":"$C","lectureId":"l1","watchTime":5,"clientTs":0}""", bad, "clientTs"));
        Add("save: clientTs fractional", new(HttpMethods.Post, Save, """{"courseId":"$C","lectureId":"l1","watchTime":5,"clientTs":1.5}""", bad, "clientTs"));
        Add("save: unknown course", new(HttpMethods.Post, Save, """{"courseId":"no-such-course","lectureId":"l1","watchTime":5}""", HttpStatusCode.NotFound, "courseId"));
        Add("save: unknown lecture", new(HttpMethods.Post, Save, """{"courseId":"$C","lectureId":"l9","watchTime":5}""", HttpStatusCode.NotFound, "lectureId"));

        // Missing and null fields.
        Add("save: empty object", new(HttpMethods.Post, Save, "{}", bad, "courseId"));
        Add("save: only courseId", new(HttpMethods.Post, Save, """{"courseId":"$C"}""", bad, "watchTime"));
        Add("save: missing courseId", new(HttpMethods.Post, Save, """{"lectureId":"l1","watchTime":5}""", bad, "courseId"));
        Add("save: missing lectureId", new(HttpMethods.Post, Save, """{"courseId":"$C","watchTime":5}""", bad, "lectureId"));
        Add("save: missing watchTime", new(HttpMethods.Post, Save, """{"courseId":"$C","lectureId":"l1"}""", bad, "watchTime"));
        Add("save: null courseId", new(HttpMethods.Post, Save, """{"courseId":null,"lectureId":"l1","watchTime":5}""", bad, "courseId"));
        Add("save: null lectureId", new(HttpMethods.Post, Save, """{"courseId":"$C","lectureId":null,"watchTime":5}""", bad, "lectureId"));
        Add("save: null watchTime", new(HttpMethods.Post, Save, """{"courseId":"$C","lectureId":"l1","watchTime":null}""", bad, "watchTime"));

        // Duplicate keys: which one wins would be a parser accident.
        Add("save: duplicate watchTime", new(HttpMethods.Post, Save, """{"courseId":"$C","lectureId":"l1","watchTime":5,"watchTime":6}""", bad, "watchTime"));
        Add("save: duplicate courseId", new(HttpMethods.Post, Save, """{"courseId":"$C","courseId":"other","lectureId":"l1","watchTime":5}""", bad, "courseId"));
        Add("save: duplicate lectureId", new(HttpMethods.Post, Save, """{"courseId":"$C","lectureId":"l1","lectureId":"l2","watchTime":5}""", bad, "lectureId"));
        Add("save: duplicate key differing in case", new(HttpMethods.Post, Save, """{"courseId":"$C","lectureId":"l1","watchTime":5,"WatchTime":6}""", bad));
        Add("save: duplicate pings key", new(HttpMethods.Post, Batch, """{"pings":[],"pings":[{"courseId":"$C","lectureId":"l1","watchTime":5}]}""", bad, "pings"));

        // Malformed and truncated JSON.
        for (var cut = 1; cut < ValidPing.Length; cut += 6)
            Add($"save: truncated after {cut} characters", new(HttpMethods.Post, Save, ValidPing[..cut], bad));
        foreach (var (shape, body) in new (string, string)[]
        {
            ("empty body", ""), ("whitespace", "   "), ("null", "null"), ("string", "\"ping\""), ("number", "42"), ("true", "true"),
            ("array", """[{"courseId":"$C","lectureId":"l1","watchTime":5}]"""), ("open brace", "{"), ("close brace", "}"),
            ("trailing comma", """{"courseId":"$C","lectureId":"l1","watchTime":5,}"""),
            ("single quotes", """{'courseId':'$C','lectureId':'l1','watchTime':5}"""),
            ("unquoted keys", """{courseId:"$C",lectureId:"l1",watchTime:5}"""),
            ("comment", """/* c */{"courseId":"$C","lectureId":"l1","watchTime":5}"""),
            ("two objects", ValidPing + ValidPing), ("trailing garbage", ValidPing + "x"),
            ("unterminated string", """{"courseId":"$C,"lectureId":"l1","watchTime":5}"""),
            ("control character in a string", "{\"courseId\":\"a\u0001b\",\"lectureId\":\"l1\",\"watchTime\":5}"),
            ("bad escape", """{"courseId":"a\qb","lectureId":"l1","watchTime":5}"""),
            ("nested 17 deep", """{"courseId":"$C","lectureId":"l1","watchTime":5,"x":""" + new string('[', 16) + "1" + new string(']', 16) + "}"),
            ("nested 10000 deep", """{"courseId":"$C","lectureId":"l1","watchTime":5,"x":""" + new string('[', 10000) + new string(']', 10000) + "}"),
            ("unclosed nesting", """{"x":""" + new string('[', 500)),
        })
            Add($"save: {shape}", new(HttpMethods.Post, Save, body, bad));

        // Not JSON at all.
        Add("save: text/plain", new(HttpMethods.Post, Save, ValidPing, HttpStatusCode.UnsupportedMediaType, ContentType: "text/plain"));
        Add("save: form", new(HttpMethods.Post, Save, "courseId=$C&lectureId=l1&watchTime=5", HttpStatusCode.UnsupportedMediaType, ContentType: "application/x-www-form-urlencoded"));
        Add("save: xml", new(HttpMethods.Post, Save, "<ping/>", HttpStatusCode.UnsupportedMediaType, ContentType: "application/xml"));
        Add("save: no content type", new(HttpMethods.Post, Save, ValidPing, HttpStatusCode.UnsupportedMediaType, ContentType: ""));
        Add("save: multipart", new(HttpMethods.Post, Save, ValidPing, HttpStatusCode.UnsupportedMediaType, ContentType: "multipart/form-data; boundary=x"));
        Add("save: no body", new(HttpMethods.Post, Save, null, bad));

        // Oversized bodies (chunked ones are in RequestLimitTests: this client always declares a length).
        var padding = new string('a', 70 * 1024);
        var oversized = $$"""{"courseId":"$C","lectureId":"l1","watchTime":5,"pad":"{{padding}}"}""";
        Add("save: 70 KiB body", new(HttpMethods.Post, Save, oversized, HttpStatusCode.RequestEntityTooLarge));
        Add("save: 1 MiB body", new(HttpMethods.Post, Save, new string(' ', 1024 * 1024) + ValidPing, HttpStatusCode.RequestEntityTooLarge));
        Add("save: 1 MiB of garbage", new(HttpMethods.Post, Save, new string('x', 1024 * 1024), HttpStatusCode.RequestEntityTooLarge));
        const string fixedPing = """{"courseId":"x","lectureId":"l1","watchTime":5}""";
        Add("save: 64 KiB and one byte", new(HttpMethods.Post, Save, fixedPing + new string(' ', 64 * 1024 + 1 - fixedPing.Length), HttpStatusCode.RequestEntityTooLarge));

        // Batches.
        string Pings(int count, string extra = "") => "{\"pings\":[" + string.Join(",", Enumerable.Range(0, count)
            .Select(i => $$"""{"courseId":"$C","lectureId":"l1","watchTime":{{i % 600}}{{extra}}}""")) + "]}";
        Add("batch: 101 pings", new(HttpMethods.Post, Batch, Pings(101), HttpStatusCode.RequestEntityTooLarge, "pings"));
        Add("batch: 5000 pings", new(HttpMethods.Post, Batch, Pings(5000), HttpStatusCode.RequestEntityTooLarge));
        Add("batch: 100 padded pings over the body limit", new(HttpMethods.Post, Batch, Pings(100, $",\"pad\":\"{new string('p', 700)}\""), HttpStatusCode.RequestEntityTooLarge));
        foreach (var (shape, body, field) in new (string, string, string?)[]
        {
            ("empty list", """{"pings":[]}""", "pings"), ("null list", """{"pings":null}""", "pings"), ("no list", "{}", "pings"),
            ("object instead of list", """{"pings":{"a":1}}""", "pings"), ("string instead of list", """{"pings":"x"}""", "pings"),
            ("number instead of list", """{"pings":1}""", "pings"), ("number in the list", """{"pings":[1]}""", "pings[0]"),
            ("string in the list", """{"pings":["x"]}""", "pings[0]"), ("list in the list", """{"pings":[[]]}""", "pings[0]"),
            ("NaN watchTime in the list", """{"pings":[{"courseId":"$C","lectureId":"l1","watchTime":NaN}]}""", null),
            ("string watchTime in the list", """{"pings":[{"courseId":"$C","lectureId":"l1","watchTime":"5"}]}""", "pings[0].watchTime"),
            ("number courseId in the list", """{"pings":[{"courseId":1,"lectureId":"l1","watchTime":5}]}""", "pings[0].courseId"),
            ("overflowing clientTs in the list", """{"pings":[{"courseId":"$C","lectureId":"l1","watchTime":5,"clientTs":1e400}]}""", null),
            ("truncated", """{"pings":[{"courseId":"$C","lectureId":"l1","watchTime":5}""", null),
            ("top-level list", """[{"courseId":"$C","lectureId":"l1","watchTime":5}]""", null),
            ("nested 17 deep", """{"pings":[{"courseId":"$C","lectureId":"l1","watchTime":5,"x":""" + new string('[', 14) + "1" + new string(']', 14) + "}]}", null),
        })
            Add($"batch: {shape}", new(HttpMethods.Post, Batch, body, bad, field));
        Add("batch: text/plain", new(HttpMethods.Post, Batch, ValidBatch, HttpStatusCode.UnsupportedMediaType, ContentType: "text/plain"));

        // Ids in URLs, already percent-encoded as a client would send them.
        foreach (var (idName, segment) in new (string, string)[]
        {
            ("colon", "a:b"), ("hash tag", "%7Bb1%7D"), ("pipe", "a%7Cb"), ("encoded slash", "a%2Fb"), ("backslash", "a%5Cb"),
            ("space", "a%20b"), ("newline", "a%0Ab"), ("accented", "l%C3%A9"), ("dot", "a.b"),
            ("65 characters", new string('a', 65)), ("star", "%2A"),
        })
        {
            Add($"read progress: {idName}", new(HttpMethods.Get, $"/api/v1/progress/{segment}", null, bad, "courseId"));
            Add($"read course: {idName}", new(HttpMethods.Get, $"/api/v1/courses/{segment}", null, bad, "courseId"));
            Add($"put lecture: lecture id {idName}", new(HttpMethods.Put, $"/api/v1/courses/$C/lectures/{segment}",
                """{"title":"t","durationSeconds":5}""", bad, "lectureId", Caller.Admin));
        }

        // The catalog, with an admin token but hostile content.
        foreach (var (idName, json) in BadIds.Where(b => b.Name is not ("escaped lone surrogate" or "1000 characters")))
            Add($"create course: id {idName}", new(HttpMethods.Post, "/api/v1/courses", $$"""{"id":{{json}},"title":"t"}""", bad, "id", Caller.Admin));
        Add("create course: title of 201 characters", new(HttpMethods.Post, "/api/v1/courses", $$"""{"id":"fresh-id","title":"{{new string('t', 201)}}"}""", bad, "title", Caller.Admin));
        Add("create course: title as number", new(HttpMethods.Post, "/api/v1/courses", """{"id":"fresh-id","title":5}""", bad, "title", Caller.Admin));
        Add("create course: existing id", new(HttpMethods.Post, "/api/v1/courses", """{"id":"$C","title":"again"}""", HttpStatusCode.Conflict, "id", Caller.Admin));
        foreach (var (numberName, json) in BadNumbers.Where(n => n.Name != "beyond 2^63").Append(("zero", "0")))
            Add($"put lecture: durationSeconds {numberName}", new(HttpMethods.Put, "/api/v1/courses/$C/lectures/l1",
                $$"""{"title":"t","durationSeconds":{{json}}}""", bad, SyntaxError(json) ? null : "durationSeconds", Caller.Admin));
        Add("put lecture: title of 201 characters", new(HttpMethods.Put, "/api/v1/courses/$C/lectures/l1",
            $$"""{"title":"{{new string('t', 201)}}","durationSeconds":5}""", bad, "title", Caller.Admin));
        Add("delete lecture: unknown", new(HttpMethods.Delete, "/api/v1/courses/$C/lectures/l9", null, HttpStatusCode.NotFound, "lectureId", Caller.Admin));

        // A learner's token on the catalog and operations.
        Add("learner: create course", new(HttpMethods.Post, "/api/v1/courses", """{"id":"fresh-id","title":"t"}""", HttpStatusCode.Forbidden));
        Add("learner: put lecture", new(HttpMethods.Put, "/api/v1/courses/$C/lectures/l1", """{"title":"t","durationSeconds":5}""", HttpStatusCode.Forbidden));
        Add("learner: delete lecture", new(HttpMethods.Delete, "/api/v1/courses/$C/lectures/l2", null, HttpStatusCode.Forbidden));
        Add("learner: flush", new(HttpMethods.Post, "/api/v1/admin/flush", null, HttpStatusCode.Forbidden));

        // Tokens that must be refused, on every learner route, with bodies that would otherwise be accepted.
        var routes = new (string Name, string Method, string Path, string? Body)[]
        {
            ("save", HttpMethods.Post, Save, ValidPing), ("batch", HttpMethods.Post, Batch, ValidBatch), ("read", HttpMethods.Get, Read, null),
        };
        foreach (var (route, method, path, body) in routes)
        {
            foreach (var kind in Enum.GetValues<Kind>())
                Add($"{route}: token {kind}", new(method, path, body, HttpStatusCode.Unauthorized, Caller: Caller.Crafted, Token: kind));
            Add($"{route}: no token", new(method, path, body, HttpStatusCode.Unauthorized, Caller: Caller.Anonymous));
            Add($"{route}: Basic credentials", new(method, path, body, HttpStatusCode.Unauthorized, Caller: Caller.BasicScheme));
            Add($"{route}: token in the query string", new(method, path, body, HttpStatusCode.Unauthorized, Caller: Caller.TokenInQuery));
            Add($"{route}: subject with a separator", new(method, path, body, HttpStatusCode.Forbidden, Caller: Caller.SubjectWithSeparator));
            Add($"{route}: no subject", new(method, path, body, HttpStatusCode.Forbidden, Caller: Caller.NoSubject));
        }
        return cases;
    }

    /// <summary>Text that is not a JSON value at all, so the parser stops before it knows the field.</summary>
    private static bool SyntaxError(string json) =>
        json is "NaN" or "Infinity" or "-Infinity" or "0x10" or "05" or ".5" or "5." or "+5" or "1_000";
}
