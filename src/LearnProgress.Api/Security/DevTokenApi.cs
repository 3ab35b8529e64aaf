using System.Security.Claims;
using LearnProgress.Api.Hosting;
using LearnProgress.Core.Progress;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearnProgress.Api.Security;

/// <summary>Development only: mints a token signed with the development key so the API can be tried at once.</summary>
public static class DevTokenApi
{
    public sealed record DevToken(string Token, DateTimeOffset ExpiresAt);

    public static void MapDevTokenApi(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()) return;
        app.MapGet("/dev/token", CreateToken).AllowAnonymous().WithTags("Development")
            .WithSummary("Development only: a bearer token for ?sub=<learner>&admin=true|false&lifetimeSeconds=<8 h by default; negative: already expired>");
    }

    private static Results<Ok<DevToken>, ProblemHttpResult> CreateToken(
        string? sub, bool? admin, int? lifetimeSeconds, IOptions<AuthOptions> options, TimeProvider time)
    {
        sub ??= "dev-learner";
        if (!Ids.IsValid(sub) || string.IsNullOrEmpty(options.Value.SigningKey))
            return TypedResults.Problem(Problems.Field(400, "Cannot mint this token.", "sub", $"must be {Ids.Rule}"));
        if (lifetimeSeconds is < -3600 or > 8 * 3600)
            return TypedResults.Problem(Problems.Field(400, "Cannot mint this token.", "lifetimeSeconds", "must be from -3600 to 28800."));
        var now = time.GetUtcNow();
        var expires = now.AddSeconds(lifetimeSeconds ?? 8 * 3600);
        // An expired token (to try a client's refresh path) must still have been valid once.
        var issued = expires <= now ? expires.AddMinutes(-5) : now;
        var claims = new List<Claim> { new(AuthExtensions.SubjectClaim, sub) };
        if (admin == true) claims.Add(new Claim(AuthExtensions.RoleClaim, AuthExtensions.AdminRole));
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = issued.UtcDateTime,
            NotBefore = issued.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(AuthExtensions.KeyFrom(options.Value.SigningKey), SecurityAlgorithms.HmacSha256),
        });
        return TypedResults.Ok(new DevToken(token, expires));
    }
}
