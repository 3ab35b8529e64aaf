using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using LearnProgress.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LearnProgress.Tests.Api;

/// <summary>
/// Every route the app maps, called with another learner's token and with none, aimed at one learner's course:
/// no answer carries that learner's data and nothing of it changes. The routes come from the app's endpoint list, so a
/// new route is walked without touching this test.
/// </summary>
public sealed partial class CrossLearnerWalkTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private LearnProgressApp App => fixture.App;

    // Positions no other request of the walk uses, so finding one in an answer means the victim's data leaked.
    private const string StoredMarker = "1234.5";
    private const string BufferedMarker = "4321.25";

    private sealed record Route(string Method, string Pattern, bool Anonymous, bool AdminOnly);

    private List<Route> Routes() => App.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .SelectMany(e =>
        {
            var methods = e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } declared ? declared : ["GET", "POST"];
            var anonymous = e.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var adminOnly = e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is "admin" or "dashboard" or "instructor");
            return methods.Select(m => new Route(m, e.RoutePattern.RawText!, anonymous, adminOnly));
        })
        .Distinct()
        .ToList();

    [Fact]
    public async Task No_route_shows_or_changes_another_learners_progress()
    {
        var routes = Routes();
        Assert.Contains(routes, r => r.Pattern.EndsWith("/progress/{courseId}", StringComparison.Ordinal));
        Assert.Contains(routes, r => r.Pattern.EndsWith("/progress/save", StringComparison.Ordinal));
        Assert.Contains(routes, r => r.Pattern.StartsWith("/hangfire", StringComparison.Ordinal));

        var course = await App.CreateCourseAsync(7200, 7200);
        var victim = Unique.Id("victim");
        using (var owner = App.Learner(victim))
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            (await owner.PostJsonAsync("/api/v1/progress/save", $$"""{"courseId":"{{course}}","lectureId":"l2","watchTime":{{StoredMarker}},"clientTs":{{now - 2000}}}""")).EnsureSuccessStatusCode();
            await App.FlushAsync();
            (await owner.PostJsonAsync("/api/v1/progress/save", $$"""{"courseId":"{{course}}","lectureId":"l1","watchTime":{{BufferedMarker}},"clientTs":{{now - 1000}}}""")).EnsureSuccessStatusCode();
            // A learning record of the victim's own, which the walk must neither show nor change.
            (await owner.PutAsync("/api/v1/me/settings", new StringContent("""{"timeZone":"Pacific/Kiritimati"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
            (await owner.PostJsonAsync("/api/v1/progress/complete", $$"""{"courseId":"{{course}}","lectureId":"l2"}""")).EnsureSuccessStatusCode();
            (await owner.PostAsync("/api/v1/progress/heatmap/mark", null)).EnsureSuccessStatusCode();
            // The markers are what a leak would look like.
            var own = await (await owner.GetAsync($"/api/v1/progress/{course}")).Content.ReadAsStringAsync();
            Assert.Contains(StoredMarker, own);
            Assert.Contains(BufferedMarker, own);
        }
        var buffered = await App.Buffer.ReadAsync(victim, course);
        var stored = await App.Record.ReadProgressAsync(victim, course);
        Assert.NotEmpty(stored);
        var record = await App.Record.ReadLearnerAsync(victim, DateOnly.MinValue);
        var days = await App.Record.ReadActivityAsync(victim, DateOnly.MinValue, DateOnly.MaxValue);
        Assert.Equal(("Pacific/Kiritimati", 1), (record.TimeZone, record.TotalCompleted));

        var attacker = Unique.Id("attacker");
        var walked = new List<string>();
        foreach (var (caller, token) in new[] { ("another learner", TestTokens.Learner(attacker)), ("no token", null) })
        {
            using var client = App.ClientFor(token);
            foreach (var route in routes)
            {
                using var request = Request(route, victim, course);
                var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                var what = $"{route.Method} {request.RequestUri} with {caller}: {(int)response.StatusCode} {body}";
                walked.Add(what);

                Assert.True((int)response.StatusCode < 500, what);
                Assert.False(body.Contains(victim) || body.Contains(StoredMarker) || body.Contains(BufferedMarker), "Leak: " + what);
                if (token is null && !route.Anonymous) Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, what);
                if (token is not null && route.AdminOnly) Assert.True(response.StatusCode == HttpStatusCode.Forbidden, what);
            }
        }

        Assert.Equal(buffered, await App.Buffer.ReadAsync(victim, course));
        Assert.Equal(stored, await App.Record.ReadProgressAsync(victim, course));
        var recordAfter = await App.Record.ReadLearnerAsync(victim, DateOnly.MinValue);
        Assert.Equal((record.TimeZone, record.TotalCompleted, record.TotalWatchSeconds, record.LongestStreak),
            (recordAfter.TimeZone, recordAfter.TotalCompleted, recordAfter.TotalWatchSeconds, recordAfter.LongestStreak));
        Assert.Equal(record.RecentRuns, recordAfter.RecentRuns);
        Assert.Equal(days, await App.Record.ReadActivityAsync(victim, DateOnly.MinValue, DateOnly.MaxValue));
        Assert.True(walked.Count >= 2 * 10, string.Join("\n", walked));
    }

    /// <summary>
    /// Route values point at the victim's course and lecture (any other value is the victim's id); the query and body
    /// name the victim wherever a careless handler might look for a user.
    /// </summary>
    private static HttpRequestMessage Request(Route route, string victim, string course)
    {
        var path = RouteParameter().Replace(route.Pattern, match =>
        {
            var name = match.Groups["name"].Value;
            if (match.Groups["catchAll"].Success) return "";
            if (name.Contains("course", StringComparison.OrdinalIgnoreCase)) return course;
            if (name.Contains("lecture", StringComparison.OrdinalIgnoreCase)) return "l1";
            return victim;
        });
        var request = new HttpRequestMessage(new HttpMethod(route.Method),
            $"{path}?userId={victim}&user={victim}&sub={victim}&learner={victim}&courseId={course}&days=7");
        if (route.Method is "POST" or "PUT" or "PATCH")
            request.Content = new StringContent($$"""
                {"userId":"{{victim}}","sub":"{{victim}}","learnerId":"{{victim}}","id":"{{course}}","courseId":"{{course}}",
                 "lectureId":"l1","watchTime":7,"pings":[{"courseId":"{{course}}","lectureId":"l1","watchTime":7}],
                 "title":"walk","durationSeconds":9,"timeZone":"UTC"}
                """, Encoding.UTF8, "application/json");
        return request;
    }

    [GeneratedRegex(@"\{(?<catchAll>\*{1,2})?(?<name>[^}:=?*]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}
