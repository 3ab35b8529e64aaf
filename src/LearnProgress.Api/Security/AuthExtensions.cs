using System.Text;
using LearnProgress.Api.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace LearnProgress.Api.Security;

public static class AuthExtensions
{
    public const string AdminPolicy = "admin";
    public const string AdminRole = "admin";
    /// <summary>Reads the event feed (a system that consumes events), nothing else.</summary>
    public const string EventsPolicy = "events";
    public const string IntegrationRole = "integration";
    public const string InstructorPolicy = "instructor";
    public const string InstructorRole = "instructor";
    public const string RoleClaim = "role";
    public const string SubjectClaim = "sub";

    /// <summary>
    /// Bearer JWTs: HS256 with Auth:SigningKey, or OIDC discovery when Auth:Authority is set. Every endpoint needs an
    /// authenticated caller unless it opts out; catalog and operations need the admin role.
    /// </summary>
    public static IHostApplicationBuilder AddTokenAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) => Configure(jwt, auth.Value));
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(AdminRole))
            .AddPolicy(EventsPolicy, p => p.RequireAuthenticatedUser().RequireRole(AdminRole, IntegrationRole))
            .AddPolicy(InstructorPolicy, p => p.RequireAuthenticatedUser().RequireRole(InstructorRole, AdminRole));
        return builder;
    }

    public static SymmetricSecurityKey KeyFrom(string signingKey) => new(Encoding.UTF8.GetBytes(signingKey));

    private static void Configure(JwtBearerOptions jwt, AuthOptions auth)
    {
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = auth.Issuer,
            ValidateAudience = true,
            ValidAudience = auth.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = SubjectClaim,
            RoleClaimType = RoleClaim,
        };
        if (!string.IsNullOrWhiteSpace(auth.Authority))
        {
            jwt.Authority = auth.Authority;
            jwt.Audience = auth.Audience;
            jwt.TokenValidationParameters.ValidIssuer = null;
            jwt.TokenValidationParameters.ValidateIssuer = true;
        }
        else
        {
            jwt.TokenValidationParameters.IssuerSigningKey = KeyFrom(auth.SigningKey!);
            jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            jwt.TokenValidationParameters.ValidateIssuerSigningKey = true;
        }
    }
}
