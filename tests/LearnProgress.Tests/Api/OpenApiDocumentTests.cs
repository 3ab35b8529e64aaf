using System.Net;
using System.Net.Http.Headers;
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

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"\{(?<name>[^}:=?*]+)[^}]*\}")]
    private static partial Regex RouteConstraint();
}
