using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearnProgress.Tests.Infrastructure;

public static class TestTokens
{
    public const string SigningKey = "learnprogress-test-signing-key-0123456789abcdef";
    public const string Issuer = "learnprogress";
    public const string Audience = "learnprogress";

    public static string Learner(string sub) => Create(sub);

    /// <summary>Valid on the wall clock and on any test clock between 2020 and 2035.</summary>
    public static string Timeless(string sub, params string[] roles) =>
        Create(sub, roles, notBefore: new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), lifetime: TimeSpan.FromDays(15 * 365));

    public static string Admin(string sub = "admin-1") => Create(sub, roles: ["admin"]);

    public static string Create(string? sub, string[]? roles = null, string key = SigningKey, string issuer = Issuer,
        string audience = Audience, TimeSpan? lifetime = null, DateTime? notBefore = null)
    {
        var claims = new List<Claim>();
        if (sub is not null) claims.Add(new Claim("sub", sub));
        claims.AddRange((roles ?? []).Select(r => new Claim("role", r)));
        var now = notBefore ?? DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = issuer,
            Audience = audience,
            NotBefore = now,
            IssuedAt = now,
            Expires = now + (lifetime ?? TimeSpan.FromHours(1)),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }
}
