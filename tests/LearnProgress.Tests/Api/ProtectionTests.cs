using System.Net;
using System.Reflection;
using System.Text;
using LearnProgress.Core;
using LearnProgress.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LearnProgress.Tests.Api;

/// <summary>Transport and browser rules, size and depth limits, and failures that say nothing about the inside.</summary>
public sealed class ProtectionTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private LearnProgressApp App => fixture.App;

    private static string Ping(string course, int padTo = 0)
    {
        var ping = $$"""{"courseId":"{{course}}","lectureId":"l1","watchTime":5}""";
        return padTo == 0 ? ping : ping + new string(' ', padTo - Encoding.UTF8.GetByteCount(ping));
    }

    [Theory]
    [InlineData("/api/v1/courses/{course}", true)]
    [InlineData("/api/v1/progress/{course}", true)]
    [InlineData("/api/v1/progress/{course}", false)]
    [InlineData("/api/v1/no-such-route", true)]
    public async Task Api_answers_carry_the_security_headers(string path, bool withToken)
    {
        var course = await App.CreateCourseAsync(600);
        using var client = withToken ? App.Learner(Unique.Id("u")) : App.ClientFor(null);

        var response = await client.GetAsync(path.Replace("{course}", course));

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.StartsWith("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.True(response.Headers.CacheControl?.NoStore, response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Swagger_ui_gets_a_policy_that_lets_it_load_its_own_scripts()
    {
        using var client = App.ClientFor(null);
        var response = await client.GetAsync("/swagger/index.html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
    }

    [Fact]
    public async Task Cors_answers_configured_player_origins_only()
    {
        await using var app = new LearnProgressApp(settings: new() { ["Cors:AllowedOrigins:0"] = "https://player.example.com" });
        using var client = app.ClientFor(null);
        async Task<HttpResponseMessage> PreflightAsync(string origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/progress/save");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
            return await client.SendAsync(request);
        }

        var allowed = await PreflightAsync("https://player.example.com");
        var other = await PreflightAsync("https://evil.example.com");

        Assert.True(allowed.IsSuccessStatusCode, allowed.StatusCode.ToString());
        Assert.Equal("https://player.example.com", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", allowed.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(allowed.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task Without_configured_origins_no_origin_is_allowed()
    {
        using var client = App.Learner(Unique.Id("u"));
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("Origin", "https://player.example.com");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("https://player.example.com/app")]
    [InlineData("https://player.example.com/")]
    [InlineData("*")]
    [InlineData("player.example.com")]
    [InlineData("ftp://player.example.com")]
    public async Task A_cors_entry_that_is_not_an_origin_stops_the_start(string origin)
    {
        await using var app = new LearnProgressApp(settings: new() { ["Cors:AllowedOrigins:0"] = origin });
        Assert.Contains("Cors:AllowedOrigins", Assert.ThrowsAny<Exception>(() => app.Server).ToString());
    }

    [Theory]
    [InlineData("RequestLimits:MaxBodyBytes", "10")]
    [InlineData("RequestLimits:MaxJsonDepth", "5")]
    [InlineData("RateLimiting:PingBurst", "0")]
    [InlineData("RateLimiting:PingTokensPerSecond", "-1")]
    [InlineData("RateLimiting:AnonymousPerMinute", "0")]
    [InlineData("Dashboard:SessionLifetime", "2.00:00:00")]
    public async Task An_out_of_range_limit_stops_the_start(string key, string value)
    {
        await using var app = new LearnProgressApp(settings: new() { [key] = value });
        Assert.Contains(key.Split(':')[1], Assert.ThrowsAny<Exception>(() => app.Server).ToString());
    }

    [Fact]
    public async Task With_an_oidc_authority_no_signing_key_is_needed_and_none_is_trusted()
    {
        // An authority that refuses connections: its keys never arrive, so no token can be valid.
        await using var app = new LearnProgressApp(environment: "Production", settings: new()
        {
            ["Auth:SigningKey"] = "",
            ["Auth:Authority"] = "https://127.0.0.1:1/realms/learnprogress",
        });
        using var anonymous = app.ClientFor(null);
        using var signedWithTheTestKey = app.Learner(Unique.Id("u"));

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        await (await signedWithTheTestKey.GetAsync($"/api/v1/progress/{Unique.Id("c")}")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task Https_is_enforced_outside_development_only(string environment)
    {
        await using var app = new LearnProgressApp(environment: environment, settings: new() { ["https_port"] = "443" });
        using var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var https = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://api.example.com") });

        var plain = await http.GetAsync("/health/live");
        var secure = await https.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
        if (environment == "Development")
        {
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
            Assert.False(secure.Headers.Contains("Strict-Transport-Security"));
        }
        else
        {
            Assert.Equal(HttpStatusCode.TemporaryRedirect, plain.StatusCode);
            Assert.Equal("https://localhost/health/live", plain.Headers.Location?.ToString());
            Assert.StartsWith("max-age=", secure.Headers.GetValues("Strict-Transport-Security").Single());
        }
    }

    [Fact]
    public async Task A_body_of_exactly_the_limit_is_read_and_one_byte_more_is_a_413()
    {
        var course = await App.CreateCourseAsync(600);
        using var learner = App.Learner(Unique.Id("u"));

        var atLimit = await learner.PostJsonAsync("/api/v1/progress/save", Ping(course, 64 * 1024));
        var overLimit = await learner.PostJsonAsync("/api/v1/progress/save", Ping(course, 64 * 1024 + 1));

        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        await overLimit.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task The_body_and_depth_limits_are_configurable()
    {
        await using var app = new LearnProgressApp(settings: new()
        {
            ["RequestLimits:MaxBodyBytes"] = "2048",
            ["RequestLimits:MaxJsonDepth"] = "6",
        });
        var course = await app.CreateCourseAsync(600);
        using var learner = app.Learner(Unique.Id("u"));

        Assert.Equal(HttpStatusCode.OK, (await learner.PostJsonAsync("/api/v1/progress/save", Ping(course, 2048))).StatusCode);
        await (await learner.PostJsonAsync("/api/v1/progress/save", Ping(course, 2049))).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        var batch = await learner.PostJsonAsync("/api/v1/progress/batch", $$"""{"pings":[{"courseId":"{{course}}","lectureId":"l1","watchTime":5}]}""");
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        var deep = await learner.PostJsonAsync("/api/v1/progress/save", $$"""{"courseId":"{{course}}","lectureId":"l1","watchTime":5,"x":[[[[[[1]]]]]]}""");
        await deep.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData(1000, HttpStatusCode.OK)]
    [InlineData(70 * 1024, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(1024 * 1024, HttpStatusCode.RequestEntityTooLarge)]
    public async Task A_chunked_body_is_capped_while_it_is_read(int size, HttpStatusCode status)
    {
        var course = await App.CreateCourseAsync(600);
        var user = Unique.Id("u");
        var body = Encoding.UTF8.GetBytes(Ping(course, size));

        // No Content-Length: only the limit on reading can stop it.
        var context = await App.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Post;
            c.Request.Path = "/api/v1/progress/save";
            c.Request.ContentType = "application/json";
            c.Request.Headers.Authorization = "Bearer " + TestTokens.Learner(user);
            c.Request.Headers.TransferEncoding = "chunked";
            c.Request.Body = new MemoryStream(body);
            c.Features.Set<IHttpRequestBodyDetectionFeature>(new HasBody());
        });

        Assert.True((int)status == context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync());
        if (status == HttpStatusCode.OK) return;
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Empty(await App.Buffer.ReadAsync(user, course));
    }

    [Fact]
    public async Task An_internal_failure_is_a_500_problem_that_names_nothing_inside()
    {
        await using var app = new LearnProgressApp(environment: "Production");
        await using var failing = app.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            s.AddSingleton(_ => FailingStore.Create<IProgressStore>());
            s.AddSingleton(_ => FailingStore.Create<ICourseCatalog>());
        }));
        using var learner = failing.CreateClient();
        learner.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Learner(Unique.Id("u")));

        var response = await learner.GetAsync($"/api/v1/progress/{Unique.Id("c")}");

        await response.AssertProblemAsync(HttpStatusCode.InternalServerError);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(FailingStore.Secret, body);
        Assert.DoesNotContain("Exception", body);
        Assert.DoesNotContain("Sqlite", body, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class HasBody : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }

    /// <summary>A store that answers its health check and fails everything else, whatever the port grows to.</summary>
    public class FailingStore : DispatchProxy
    {
        public const string Secret = "connection to db-internal-7 refused";

        public static T Create<T>() => DispatchProxy.Create<T, FailingStore>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(IProgressStore.CheckAsync) ? Task.CompletedTask : throw new InvalidOperationException(Secret);
    }
}
