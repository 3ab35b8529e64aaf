using System.Net;
using LearnProgress.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LearnProgress.Tests.Api;

/// <summary>The dashboard in a browser: an admin token buys a short-lived cookie that opens /hangfire and nothing else.</summary>
public sealed class DashboardAccessTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private const string Session = "/api/v1/admin/dashboard-session";
    private const string CookieName = "learnprogress-dashboard";

    private static async Task<(string Cookie, string SetCookie, DateTimeOffset ExpiresAt)> OpenSessionAsync(HttpClient admin)
    {
        var response = await admin.PostAsync(Session, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(CookieName + "=", StringComparison.Ordinal));
        var expiresAt = (await response.JsonAsync()).GetProperty("expiresAt").GetDateTimeOffset();
        return (setCookie.Split(';')[0], setCookie, expiresAt);
    }

    private static HttpRequestMessage WithCookie(HttpMethod method, string path, string cookie)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", cookie);
        return request;
    }

    [Fact]
    public async Task An_admin_token_buys_a_short_lived_cookie_that_opens_the_dashboard()
    {
        using var admin = fixture.App.Admin();
        var before = DateTimeOffset.UtcNow;

        var (cookie, setCookie, expiresAt) = await OpenSessionAsync(admin);

        var attributes = setCookie.ToLowerInvariant().Split(';').Select(a => a.Trim()).ToList();
        Assert.Contains("path=/hangfire", attributes);
        Assert.Contains("secure", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("expires=", StringComparison.Ordinal)); // gone with the browser session
        Assert.InRange(expiresAt, before.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(15));

        using var browser = fixture.App.ClientFor(null);
        var page = await browser.SendAsync(WithCookie(HttpMethod.Get, "/hangfire", cookie));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("LearnProgress jobs", await page.Content.ReadAsStringAsync());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task The_dashboard_cookie_opens_nothing_but_the_dashboard()
    {
        using var admin = fixture.App.Admin();
        var (cookie, _, _) = await OpenSessionAsync(admin);
        using var browser = fixture.App.ClientFor(null);

        await (await browser.SendAsync(WithCookie(HttpMethod.Post, "/api/v1/admin/flush", cookie))).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await browser.SendAsync(WithCookie(HttpMethod.Get, "/api/v1/courses/any", cookie))).AssertProblemAsync(HttpStatusCode.Unauthorized);
        // Nor does it buy itself a fresh cookie.
        await (await browser.SendAsync(WithCookie(HttpMethod.Post, Session, cookie))).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("learner")]
    [InlineData("no token")]
    [InlineData("expired admin token")]
    public async Task Only_a_valid_admin_token_gets_a_cookie(string caller)
    {
        using var client = fixture.App.ClientFor(caller switch
        {
            "learner" => TestTokens.Learner(Unique.Id("u")),
            "expired admin token" => TestTokens.Create("admin-1", roles: ["admin"], notBefore: DateTime.UtcNow.AddHours(-3)),
            _ => null,
        });

        var response = await client.PostAsync(Session, null);

        await response.AssertProblemAsync(caller == "learner" ? HttpStatusCode.Forbidden : HttpStatusCode.Unauthorized);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(CookieName + "=forged")]
    [InlineData(CookieName + "=")]
    public async Task Without_a_token_or_a_genuine_cookie_the_dashboard_is_a_401(string? cookie)
    {
        using var browser = fixture.App.ClientFor(null);
        var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        if (cookie is not null) request.Headers.Add("Cookie", cookie);

        var response = await browser.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_dashboard_action_without_the_antiforgery_token_is_refused()
    {
        using var admin = fixture.App.Admin();
        var (cookie, _, _) = await OpenSessionAsync(admin);
        using var browser = fixture.App.ClientFor(null);
        var forged = WithCookie(HttpMethod.Post, "/hangfire/recurring/trigger", cookie);
        forged.Content = new FormUrlEncodedContent([new("jobs[]", "write-behind-flush")]);

        var response = await browser.SendAsync(forged);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_cookie_never_outlives_the_admin_token()
    {
        using var admin = fixture.App.ClientFor(TestTokens.Create("admin-1", roles: ["admin"], lifetime: TimeSpan.FromMinutes(2)));
        var (_, _, expiresAt) = await OpenSessionAsync(admin);
        Assert.True(expiresAt <= DateTimeOffset.UtcNow.AddMinutes(2), $"{expiresAt}");
    }

    [Fact]
    public async Task The_cookie_expires_after_the_configured_lifetime()
    {
        var clock = new ShiftedClock();
        await using var app = new LearnProgressApp(settings: new() { ["Dashboard:SessionLifetime"] = "00:05:00" });
        await using var shifted = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        using var admin = shifted.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Admin());
        var (cookie, _, expiresAt) = await OpenSessionAsync(admin);
        using var browser = shifted.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        Assert.True(expiresAt <= clock.GetUtcNow().AddMinutes(5), $"{expiresAt}");

        clock.Shift = TimeSpan.FromMinutes(4);
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(WithCookie(HttpMethod.Get, "/hangfire", cookie))).StatusCode);
        clock.Shift = TimeSpan.FromMinutes(6);
        await (await browser.SendAsync(WithCookie(HttpMethod.Get, "/hangfire", cookie))).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Shift { get; set; }
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Shift;
    }
}
