using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LearnProgress.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LearnProgress.Tests.Api;

/// <summary>
/// The OpenAPI document tells the whole truth: every API route is in it, every problem answer it lists carries the
/// problem schema (429 and 503 with Retry-After), and a walk of every route with anonymous, learner and admin callers,
/// unknown and malformed ids, bodies that are not JSON, of the wrong type or too large, plus every hostile case of the
/// input suite, gets no status the document does not list for that route.
/// </summary>
public sealed partial class OpenApiDocumentTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private LearnProgressApp App => fixture.App;

    private sealed record Operation(string Method, string Path, Regex Matcher, HashSet<string> Statuses, JsonElement Json);

    private async Task<List<Operation>> DocumentAsync()
    {
        using var anonymous = App.ClientFor(null);
        var document = await (await anonymous.GetAsync("/swagger/v1/swagger.json")).JsonAsync();
        var operations = new List<Operation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var method in path.Value.EnumerateObject())
            {
                if (method.Name == "parameters") continue;
                var statuses = method.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToHashSet();
                var matcher = new Regex("^" + Parameter().Replace(Regex.Escape(path.Name).Replace(@"\{", "{"), "[^/]+") + "$");
                operations.Add(new Operation(method.Name.ToUpperInvariant(), path.Name, matcher, statuses, method.Value));
            }
        // Literal segments win over parameters, as in routing.
        return operations.OrderBy(o => o.Path.Count(c => c == '{')).ToList();
    }

    private sealed record Route(string Method, string Pattern, bool Anonymous);

    private List<Route> ApiRoutes() => App.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
        .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            .Select(m => new Route(m, RouteConstraint().Replace(e.RoutePattern.RawText!, "{${name}}").TrimEnd('/'),
                e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null)))
        .Distinct()
        .ToList();

    [Fact]
    public async Task Every_api_route_is_in_the_document()
    {
        var documented = (await DocumentAsync()).Select(o => (o.Method, o.Path)).ToHashSet();
        var missing = ApiRoutes().Where(r => !documented.Contains((r.Method, r.Pattern))).ToList();
        Assert.True(missing.Count == 0, "Not in the document: " + string.Join(", ", missing));
        Assert.True(documented.Count >= 30, $"{documented.Count} operations");
    }

    [Fact]
    public async Task Every_problem_answer_has_the_problem_schema_and_waits_say_how_long()
    {
        foreach (var operation in await DocumentAsync())
            foreach (var response in operation.Json.GetProperty("responses").EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
            {
                var where = $"{operation.Method} {operation.Path} {response.Name}";
                var schema = response.Value.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema");
                Assert.True(schema.TryGetProperty("$ref", out var reference), where);
                Assert.EndsWith("HttpValidationProblemDetails", reference.GetString(), StringComparison.Ordinal);
                if (response.Name is "429" or "503")
                    Assert.True(response.Value.GetProperty("headers").TryGetProperty("Retry-After", out _), where);
            }
        using var anonymous = App.ClientFor(null);
        var document = await (await anonymous.GetAsync("/swagger/v1/swagger.json")).JsonAsync();
        var problem = document.GetProperty("components").GetProperty("schemas").GetProperty("HttpValidationProblemDetails").GetProperty("properties");
        Assert.True(problem.TryGetProperty("errors", out _));
        Assert.True(problem.TryGetProperty("status", out _));
    }

    [Fact]
    public async Task No_route_answers_a_status_its_document_does_not_list()
    {
        var operations = await DocumentAsync();
        var course = await App.CreateCourseAsync(600, 300);
        var learner = Unique.Id("u");
        var undocumented = new List<string>();
        var walked = 0;

        async Task SendAsync(HttpRequestMessage request, string what)
        {
            using var client = App.CreateClient();
            var response = await client.SendAsync(request);
            walked++;
            var path = new Uri(new Uri("http://localhost"), request.RequestUri!).AbsolutePath;
            var operation = operations.FirstOrDefault(o => o.Method == request.Method.Method && o.Matcher.IsMatch(path));
            var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation is null) undocumented.Add($"{what}: {request.Method} {path} has no operation ({status})");
            else if (!operation.Statuses.Contains(status))
                undocumented.Add($"{what}: {request.Method} {operation.Path} answered {status}, documented {string.Join(",", operation.Statuses.Order())}");
        }

        foreach (var route in ApiRoutes())
        {
            var tokens = new (string Name, string? Token)[] { ("anonymous", null), ("learner", TestTokens.Learner(learner)), ("admin", TestTokens.Admin()) };
            var ids = new[] { ("known ids", course), ("unknown ids", Unique.Id("nope")), ("a malformed id", "a%3Ab") };
            var bodies = route.Method is "POST" or "PUT" or "PATCH"
                ? new (string Name, string? Body, string Type)[]
                {
                    ("an empty object", "{}", "application/json"), ("not JSON", "{\"a\":", "application/json"),
                    ("text", "hello", "text/plain"), ("a body too large", "[" + new string(' ', 2 << 20) + "]", "application/json"),
                    ("another learner's fields", $$"""{"userId":"victim","courseId":"{{course}}","lectureId":"l1","watchTime":7,"title":"walk"}""", "application/json"),
                }
                : [("no body", null, "")];
            foreach (var (who, token) in tokens)
                foreach (var (idName, id) in ids)
                    foreach (var (bodyName, body, type) in bodies)
                    {
                        var path = Parameter().Replace(route.Pattern, m => m.Value.Contains("lecture", StringComparison.OrdinalIgnoreCase) && idName == "known ids" ? "l1" : id);
                        var request = new HttpRequestMessage(new HttpMethod(route.Method), path + "?days=7&limit=abc");
                        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                        if (body is not null)
                        {
                            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
                            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
                        }
                        await SendAsync(request, $"{who}, {idName}, {bodyName}");
                    }
        }
        foreach (var hostile in HostileInputTests.Cases)
            await SendAsync(HostileInputTests.Build(hostile, learner, course), "hostile case");

        Assert.True(undocumented.Count == 0, $"{undocumented.Count} of {walked} answers not documented:\n" + string.Join("\n", undocumented.Distinct().Take(60)));
    }

    /// <summary>Every request body in the document has an example, and the API takes it: sent to its route (ids of a
    /// course, lecture, quiz, skill and webhook endpoint that exist; times moved to now), no example is a 400.</summary>
    [Fact]
    public async Task Every_request_body_has_an_example_the_api_accepts()
    {
        using var anonymous = App.ClientFor(null);
        var document = await (await anonymous.GetAsync("/swagger/v1/swagger.json")).JsonAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var course = Unique.Id("c");
        var skill = Unique.Id("s");
        var learner = Unique.Id("u");
        using var admin = App.ClientFor(TestTokens.Admin());
        (await admin.PostAsJsonAsync("/api/v1/courses", new { id = course, title = "Examples" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/lectures/intro", new { title = "Intro", durationSeconds = 600 })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/skills/{skill}", new { name = "Fractions" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/courses/{course}/quizzes/quiz1", new
        {
            title = "Quiz 1", passPercent = 60,
            items = new[] { new { itemId = "q1", maxPoints = 1, skills = new[] { skill } }, new { itemId = "q2", maxPoints = 2, skills = new[] { skill } } },
        })).EnsureSuccessStatusCode();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["courseId"] = course, ["lectureId"] = "intro", ["quizId"] = "quiz1", ["skillId"] = skill, ["sub"] = learner,
        };

        var refused = new List<string>();
        var sent = 0;
        foreach (var operation in (await DocumentAsync()).OrderBy(o => o.Path.Contains("{id}", StringComparison.Ordinal)))
        {
            if (!operation.Json.TryGetProperty("requestBody", out var body)) continue;
            var reference = body.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
            var name = reference[(reference.LastIndexOf('/') + 1)..];
            // OpenAPI 3.0 writes a schema's example as "example", 3.1 as "examples".
            var schema = schemas.GetProperty(name);
            JsonElement example = default;
            if (!schema.TryGetProperty("example", out example) &&
                !(schema.TryGetProperty("examples", out var examples) && examples.GetArrayLength() > 0 && (example = examples[0]).ValueKind != JsonValueKind.Undefined))
            {
                refused.Add($"{operation.Method} {operation.Path}: {name} has no example");
                continue;
            }
            var json = MovedToNow(example.GetRawText().Replace("\"algebra\"", $"\"{course}\"", StringComparison.Ordinal)
                .Replace("\"fractions\"", $"\"{skill}\"", StringComparison.Ordinal));
            var path = Parameter().Replace(operation.Path, m => ids.GetValueOrDefault(m.Value[1..^1], Unique.Id("x")));
            HttpResponseMessage response = null!;
            foreach (var token in new[] { TestTokens.Learner(learner), TestTokens.Admin() })
            {
                using var client = App.ClientFor(token);
                response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(operation.Method), path)
                {
                    Content = new StringContent(json, Encoding.UTF8, "application/json"),
                });
                if (response.StatusCode != HttpStatusCode.Forbidden) break;
            }
            sent++;
            if (operation.Path == "/api/v1/admin/webhooks" && response.IsSuccessStatusCode)
                ids["id"] = (await response.JsonAsync()).GetProperty("id").GetString()!;
            if ((int)response.StatusCode is 400 or 415 or >= 500)
                refused.Add($"{operation.Method} {operation.Path} answered {(int)response.StatusCode} to its example {json}: {await response.Content.ReadAsStringAsync()}");
        }
        Assert.True(refused.Count == 0, string.Join("\n", refused));
        Assert.True(sent >= 10, $"{sent} examples sent");
    }

    /// <summary>An example's epoch-millisecond times, shifted together so the latest is now.</summary>
    private static string MovedToNow(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        var times = new List<System.Text.Json.Nodes.JsonValue>();
        void Walk(System.Text.Json.Nodes.JsonNode? n)
        {
            switch (n)
            {
                case System.Text.Json.Nodes.JsonObject o: foreach (var (_, v) in o) Walk(v); break;
                case System.Text.Json.Nodes.JsonArray a: foreach (var v in a) Walk(v); break;
                case System.Text.Json.Nodes.JsonValue v when v.TryGetValue<long>(out var t) && t > 1_000_000_000_000: times.Add(v); break;
            }
        }
        Walk(node);
        if (times.Count == 0) return json;
        var shift = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1_000 - times.Max(t => t.GetValue<long>());
        foreach (var time in times) time.ReplaceWith(time.GetValue<long>() + shift);
        return node.ToJsonString();
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"\{(?<name>[^}:=?*]+)[^}]*\}")]
    private static partial Regex RouteConstraint();
}
