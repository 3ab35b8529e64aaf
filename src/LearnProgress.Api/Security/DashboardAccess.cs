using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LearnProgress.Api.Security;

/// <summary>
/// Browsers do not send bearer headers when they open a page, so an admin token is exchanged for a short-lived
/// cookie that only the dashboard accepts: HttpOnly, Secure, SameSite=Strict, path /hangfire, never outliving the
/// token. The API itself keeps accepting bearer tokens only, so the cookie cannot be used against it.
/// </summary>
public static class DashboardAccess
{
    public const string Scheme = "dashboard-cookie";
    public const string Policy = "dashboard";
    public const string CookieName = "learnprogress-dashboard";
    public const string DashboardPath = "/hangfire";
    public const string SessionPath = "/api/v1/admin/dashboard-session";

    public sealed record DashboardSession(DateTimeOffset ExpiresAt, string Dashboard = DashboardPath);

    public static IHostApplicationBuilder AddDashboardAccess(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DashboardAccessOptions>().BindConfiguration(DashboardAccessOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.Path = DashboardPath;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.SlidingExpiration = false;
            // An API answers with a status, not a redirect to a login page it does not have.
            o.Events.OnRedirectToLogin = ctx => Status(ctx.Response, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => Status(ctx.Response, StatusCodes.Status403Forbidden);
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme, Scheme)
            .RequireAuthenticatedUser()
            .RequireRole(AuthExtensions.AdminRole));
        // Hangfire checks antiforgery tokens on the dashboard's actions when the service exists; with a cookie
        // in play that is what stops a forged POST.
        services.AddAntiforgery();
        return builder;
    }

    public static RouteHandlerBuilder MapDashboardSession(this IEndpointRouteBuilder routes) =>
        routes.MapPost(SessionPath, CreateSession).WithTags("Operations")
            .RequireAuthorization(AuthExtensions.AdminPolicy)
            .WithSummary("Exchanges an admin bearer token for a short-lived cookie that opens /hangfire in a browser.");

    public static async Task<Ok<DashboardSession>> CreateSession(
        HttpContext context, IOptions<DashboardAccessOptions> options, TimeProvider time)
    {
        var expires = time.GetUtcNow().Add(options.Value.SessionLifetime);
        if (long.TryParse(context.User.FindFirstValue("exp"), out var tokenExpiry))
        {
            var tokenExpires = DateTimeOffset.FromUnixTimeSeconds(tokenExpiry);
            if (tokenExpires < expires) expires = tokenExpires;
        }
        var identity = new ClaimsIdentity(Scheme, AuthExtensions.SubjectClaim, AuthExtensions.RoleClaim);
        identity.AddClaim(new Claim(AuthExtensions.RoleClaim, AuthExtensions.AdminRole));
        if (context.User.FindFirstValue(AuthExtensions.SubjectClaim) is { } subject)
            identity.AddClaim(new Claim(AuthExtensions.SubjectClaim, subject));
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity),
            new AuthenticationProperties { ExpiresUtc = expires, IsPersistent = false, AllowRefresh = false });
        return TypedResults.Ok(new DashboardSession(expires));
    }

    private static Task Status(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }
}
