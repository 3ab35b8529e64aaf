using System.Globalization;
using System.Text.Json.Nodes;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Learn;
using LearnProgress.Api.Security;
using LearnProgress.Core;
using LearnProgress.Core.Certifications;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LearnProgress.Api.Certifications;

/// <summary>
/// What lets anyone check a credential without an account: the published keys, the issuer profile, the status lists,
/// verification, each issued credential by id and a page that shows it; and revocation (admin).
/// </summary>
public static class CredentialsApi
{
    public static IHostApplicationBuilder AddCertifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CredentialsOptions>().BindConfiguration(CredentialsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<CredentialKeys>();
        builder.Services.AddSingleton<CredentialService>();
        builder.Services.AddSingleton<CertificationStandings>();
        // Made at start-up, so a Development key is created (or a missing one reported) before the first request.
        builder.Services.AddHostedService<KeysAtStart>();
        return builder;
    }

    private sealed class KeysAtStart(CredentialKeys keys) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(keys.Signing);
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public static RouteGroupBuilder MapCredentialsApi(this WebApplication app)
    {
        app.MapGet("/.well-known/jwks.json", Jwks).AllowAnonymous().WithTags("Credentials")
            .WithSummary("The public keys credentials are signed with (several during a key rotation).");

        var group = app.MapGroup("/api/v1/credentials").WithTags("Credentials").AllowAnonymous();
        group.MapGet("/issuer", Issuer).WithSummary("The issuer's Open Badges profile; every credential's issuer.id is this URL.");
        group.MapGet("/status/{list}", Status).WithSummary("A Bitstring Status List credential (revocation): one bit per issued credential.");
        // A body that is not JSON matches no endpoint, and the framework's answer for that falls to the default
        // (authenticated) policy: an anonymous caller then hears 401.
        group.MapPost("/verify", Verify).Validated<VerifyRequest>().ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("Verifies a VC-JWT: signature by kid against the published keys, validFrom/validUntil, and its revocation bit.");
        group.MapGet("/{credentialId}", Get).WithSummary("An issued credential (the stored VC-JWT) with its verification now.");

        app.MapPost("/api/v1/admin/credentials/{credentialId}/revoke", Revoke).WithTags("Credentials").RequireAuthorization(AuthExtensions.AdminPolicy)
            .WithSummary("Revokes a credential: sets its bit in the status list; verifying it then answers revoked.");

        var page = EmbeddedAssets.Load(typeof(CredentialsApi).Assembly, "learn/");
        var verifyPage = app.MapGroup("/verify").AllowAnonymous().DisableRateLimiting().ExcludeFromDescription();
        verifyPage.MapGet("/{credentialId}", (string credentialId, HttpContext http) =>
            Page(page, Guid.TryParse(credentialId, out _) ? "verify.html" : credentialId, http));
        return group;
    }

    public static Ok<object> Jwks(CredentialKeys keys) => TypedResults.Ok(keys.Jwks);

    public static Ok<JsonObject> Issuer(CredentialService credentials, HttpRequest request) =>
        TypedResults.Ok(credentials.IssuerProfile(credentials.BaseUrl(request)));

    public static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> Status(
        string list, ICertificationStore store, CredentialService credentials, TimeProvider time, HttpRequest request, CancellationToken ct)
    {
        if (!long.TryParse(list, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 1_000_000)
            return TypedResults.Problem(Problems.NotFound("list", "There is no such status list."));
        var baseUrl = credentials.BaseUrl(request);
        var url = $"{baseUrl}{CredentialService.StatusPath}{number.ToString(CultureInfo.InvariantCulture)}";
        var revoked = await store.ReadRevokedAsync(number, ct);
        return TypedResults.Ok(new JsonObject
        {
            ["@context"] = new JsonArray(CredentialService.VcContext),
            ["id"] = url,
            ["type"] = new JsonArray("VerifiableCredential", "BitstringStatusListCredential"),
            ["issuer"] = baseUrl + CredentialService.IssuerPath,
            ["validFrom"] = CredentialService.Iso(time.GetUtcNow()),
            ["credentialSubject"] = new JsonObject
            {
                ["id"] = url + "#list",
                ["type"] = "BitstringStatusList",
                ["statusPurpose"] = StatusList.Revocation,
                ["encodedList"] = StatusList.Encode(revoked),
            },
        });
    }

    public static async Task<Ok<VerificationResult>> Verify(VerifyRequest request, CredentialService credentials, CancellationToken ct) =>
        TypedResults.Ok(await credentials.VerifyAsync(request.Credential!, ct));

    public static async Task<Results<Ok<StoredCredentialResponse>, ProblemHttpResult>> Get(
        string credentialId, ICertificationStore store, CredentialService credentials, CancellationToken ct)
    {
        if (!Guid.TryParse(credentialId, out _) || await store.GetCredentialAsync(credentialId, ct) is not { } credential)
            return UnknownCredential();
        return TypedResults.Ok(new StoredCredentialResponse(credential.CredentialId, credential.Jwt, await credentials.VerifyAsync(credential.Jwt, ct)));
    }

    public static async Task<Results<Ok<VerificationResult>, ProblemHttpResult>> Revoke(
        string credentialId, ICertificationStore store, CredentialService credentials, CancellationToken ct)
    {
        if (!Guid.TryParse(credentialId, out _) || await store.RevokeAsync(credentialId, ct) is not { } credential)
            return UnknownCredential();
        return TypedResults.Ok(await credentials.VerifyAsync(credential.Jwt, ct));
    }

    // Anonymous callers reach this: the answer does not echo what they sent.
    private static ProblemHttpResult UnknownCredential() =>
        TypedResults.Problem(Problems.NotFound("credentialId", "There is no such credential."));

    private static Results<FileContentHttpResult, NotFound> Page(EmbeddedAssets assets, string file, HttpContext http)
    {
        // The page and its own script and style only: the other pages stay behind Pages:Enabled.
        if (file is not ("verify.html" or "verify.js" or "learn.css" or "favicon.svg") || assets.Find(file) is not { } asset) return TypedResults.NotFound();
        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.File(asset.Content, asset.ContentType, entityTag: asset.ETag);
    }
}
