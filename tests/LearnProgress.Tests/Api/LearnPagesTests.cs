using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LearnProgress.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LearnProgress.Tests.Api;

/// <summary>The browser SDK at /sdk and the learner's pages at /learn, served from the assembly.</summary>
public sealed class LearnPagesTests
{
    [Fact]
    public async Task Sdk_is_served_everywhere_with_an_etag_and_an_immutable_versioned_path()
    {
        await using var app = new LearnProgressApp(settings: new() { ["Cors:AllowedOrigins:0"] = "https://player.example.com" });
        using var client = app.ClientFor(null);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/sdk/learnprogress.js");
        request.Headers.Add("Origin", "https://player.example.com");
        var plain = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("text/javascript", plain.Content.Headers.ContentType?.MediaType);
        Assert.Contains("createTracker", await plain.Content.ReadAsStringAsync());
        Assert.True(plain.Headers.CacheControl?.NoCache);
        Assert.Equal("https://player.example.com", plain.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var etag = plain.Headers.ETag!;

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/sdk/learnprogress.js");
        conditional.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(conditional)).StatusCode);

        var version = await client.GetFromJsonAsync<JsonElement>("/sdk/version");
        var entry = version.GetProperty("entry").GetString()!;
        Assert.Equal($"/sdk/{version.GetProperty("version").GetString()}/learnprogress.js", entry);
        var pinned = await client.GetAsync(entry);
        Assert.Equal(HttpStatusCode.OK, pinned.StatusCode);
        Assert.Equal(TimeSpan.FromDays(365), pinned.Headers.CacheControl?.MaxAge);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/sdk/000000000000/learnprogress.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/sdk/missing.js")).StatusCode);
    }

    [Fact]
    public async Task Players_on_allowed_origins_can_read_Retry_After_and_Date()
    {
        await using var app = new LearnProgressApp(settings: new() { ["Cors:AllowedOrigins:0"] = "https://player.example.com" });
        using var client = app.Learner(Unique.Id("u"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/stats/student");
        request.Headers.Add("Origin", "https://player.example.com");
        var response = await client.SendAsync(request);
        var exposed = response.Headers.GetValues("Access-Control-Expose-Headers").Single();
        Assert.Contains("Retry-After", exposed);
        Assert.Contains("Date", exposed);
    }

    [Fact]
    public async Task Pages_are_off_outside_Development_unless_enabled()
    {
        await using var off = new LearnProgressApp();
        using var anonymous = off.ClientFor(null);
        // Not mapped: an unknown path, which the fallback policy answers with 401 for a caller without a token.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/learn/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/learn/config.json")).StatusCode);
        using var learner = off.Learner(Unique.Id("u"));
        Assert.Equal(HttpStatusCode.NotFound, (await learner.GetAsync("/learn/")).StatusCode);

        await using var on = new LearnProgressApp(settings: new() { ["Pages:Enabled"] = "true", ["Pages:Courses:0"] = "algebra" });
        using var client = on.ClientFor(null);
        var page = await client.GetAsync("/learn/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", policy);
        Assert.DoesNotContain("unsafe", policy);
        // Outside Development there is no token endpoint: the embedding site hands the pages a token.
        var config = await client.GetFromJsonAsync<JsonElement>("/learn/config.json");
        Assert.False(config.GetProperty("devTokens").GetBoolean());
        Assert.Equal(["algebra"], config.GetProperty("courses").EnumerateArray().Select(c => c.GetString()));
        using var noRedirects = on.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var bare = await noRedirects.GetAsync("/learn?course=algebra");
        Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
        Assert.Equal("/learn/?course=algebra", bare.Headers.Location?.OriginalString);

        using var range = new HttpRequestMessage(HttpMethod.Get, "/learn/demo.webm");
        range.Headers.Range = new RangeHeaderValue(0, 99);
        var clip = await client.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, clip.StatusCode);
        Assert.Equal(100, (await clip.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task Pages_and_every_module_they_import_are_served_without_inline_code_the_policy_would_refuse()
    {
        await using var app = new LearnProgressApp(settings: new() { ["Pages:Enabled"] = "true" });
        using var client = app.ClientFor(null);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        foreach (var page in new[] { "/learn/", "/learn/dashboard", "/learn/instructor" })
        {
            var response = await client.GetAsync(page);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            // script-src 'self' and style-src 'self': no inline script, no handler attribute, no style attribute or element.
            Assert.DoesNotMatch(new Regex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase), html);
            Assert.DoesNotMatch(new Regex(@"\s(on[a-z]+|style)\s*=", RegexOptions.IgnoreCase), html);
            Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
            foreach (Match src in Regex.Matches(html, @"<script[^>]*\bsrc=""([^""]+)""")) queue.Enqueue(src.Groups[1].Value);
        }
        // Follow the static imports of the page scripts and the SDK: each module is served as JavaScript, and none
        // writes a style attribute (the charts position through the CSSOM, which the policy allows).
        while (queue.TryDequeue(out var path))
        {
            if (!seen.Add(path)) continue;
            var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
            Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
            var script = await response.Content.ReadAsStringAsync();
            Assert.DoesNotMatch(new Regex(@"setAttribute\(\s*'style'"), script);
            var directory = path[..(path.LastIndexOf('/') + 1)];
            foreach (Match import in Regex.Matches(script, @"^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'", RegexOptions.Multiline))
            {
                var target = import.Groups[1].Value;
                queue.Enqueue(target.StartsWith('/') ? target : directory + target.TrimStart('.', '/'));
            }
        }
        Assert.Contains("/learn/skills.js", seen);
        Assert.Contains("/sdk/charts.js", seen);
        Assert.Contains("/sdk/format.js", seen);
    }

    [Fact]
    public async Task Development_tokens_can_be_minted_already_expired()
    {
        await using var app = new LearnProgressApp(environment: "Development");
        using var anonymous = app.ClientFor(null);
        var expired = await anonymous.GetFromJsonAsync<JsonElement>("/dev/token?sub=ada&lifetimeSeconds=-60");
        Assert.True(expired.GetProperty("expiresAt").GetDateTimeOffset() < DateTimeOffset.UtcNow);
        using var learner = app.ClientFor(expired.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await learner.GetAsync("/api/v1/stats/student")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync("/dev/token?sub=ada&lifetimeSeconds=99999")).StatusCode);
        var config = await anonymous.GetFromJsonAsync<JsonElement>("/learn/config.json");
        Assert.True(config.GetProperty("devTokens").GetBoolean());
        Assert.Contains("demo", config.GetProperty("courses").EnumerateArray().Select(c => c.GetString()));
        var demo = await app.Learner("ada").GetFromJsonAsync<JsonElement>("/api/v1/courses/demo");
        Assert.Equal(2, demo.GetProperty("totalLectures").GetInt32());
    }
}
