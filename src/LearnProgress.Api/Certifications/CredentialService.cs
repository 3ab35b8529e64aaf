using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LearnProgress.Core;
using LearnProgress.Core.Certifications;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearnProgress.Api.Certifications;

/// <summary>What a verification found; <see cref="Status"/> is active, revoked, expired, not-yet-valid or invalid.</summary>
public sealed record VerificationResult(
    bool Valid, string Status, JsonNode? Issuer, JsonNode? Subject, JsonNode? Achievement, string? CredentialId,
    string? ValidFrom, string? ValidUntil, IReadOnlyList<string> Reasons);

public static class CredentialStatuses
{
    public const string Active = "active";
    public const string Revoked = "revoked";
    public const string Expired = "expired";
    public const string NotYetValid = "not-yet-valid";
    public const string Invalid = "invalid";
}

/// <summary>
/// Open Badges 3.0 credentials (VC Data Model 2.0) secured as VC-JWT (VC-JOSE-COSE): the JWS payload is the credential
/// itself, signed ES256 with a <c>kid</c> of the published key set and <c>typ</c> <c>vc+jwt</c>.
/// </summary>
public sealed class CredentialService(CredentialKeys keys, ICertificationStore store, TimeProvider time, IOptions<CredentialsOptions> options)
{
    public const string MediaType = "vc+jwt";
    public const string VcContext = "https://www.w3.org/ns/credentials/v2";
    public const string ObContext = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
    public const string IssuerPath = "/api/v1/credentials/issuer";
    public const string StatusPath = "/api/v1/credentials/status/";

    private static readonly JsonWebTokenHandler Handler = new();
    private static readonly CryptoProviderFactory NoCache = new() { CacheSignatureProviders = false };

    public bool CanIssue => keys.Signing is not null;

    public string BaseUrl(HttpRequest request) =>
        (options.Value.PublicBaseUrl ?? $"{request.Scheme}://{request.Host}{request.PathBase}").TrimEnd('/');

    public string IssuerName => options.Value.IssuerName;

    public JsonObject IssuerProfile(string baseUrl) => new()
    {
        ["@context"] = new JsonArray(VcContext, ObContext),
        ["id"] = baseUrl + IssuerPath,
        ["type"] = new JsonArray("Profile"),
        ["name"] = IssuerName,
        ["url"] = baseUrl,
    };

    public static string AchievementId(string baseUrl, string certificationId) => $"{baseUrl}/api/v1/certifications/{certificationId}";

    /// <summary>The credential document for one learner's certification, before it is signed.</summary>
    public JsonObject Document(string baseUrl, Certification certification, string credentialId, long statusIndex, DateTimeOffset validFrom,
        DateTimeOffset? validUntil)
    {
        var (list, index) = StatusList.Locate(statusIndex);
        var statusList = $"{baseUrl}{StatusPath}{list.ToString(CultureInfo.InvariantCulture)}";
        var credential = new JsonObject
        {
            ["@context"] = new JsonArray(VcContext, ObContext),
            ["id"] = $"urn:uuid:{credentialId}",
            ["type"] = new JsonArray("VerifiableCredential", "OpenBadgeCredential"),
            ["issuer"] = new JsonObject { ["id"] = baseUrl + IssuerPath, ["type"] = new JsonArray("Profile"), ["name"] = IssuerName },
            ["validFrom"] = Iso(validFrom),
            ["name"] = certification.Title,
            ["credentialSubject"] = new JsonObject
            {
                ["type"] = new JsonArray("AchievementSubject"),
                ["achievement"] = new JsonObject
                {
                    ["id"] = AchievementId(baseUrl, certification.Id),
                    ["type"] = new JsonArray("Achievement"),
                    ["name"] = certification.Title,
                    ["description"] = certification.Description,
                    ["criteria"] = new JsonObject { ["narrative"] = certification.Criteria },
                },
            },
            ["credentialStatus"] = new JsonObject
            {
                ["id"] = $"{statusList}#{index.ToString(CultureInfo.InvariantCulture)}",
                ["type"] = "BitstringStatusListEntry",
                ["statusPurpose"] = StatusList.Revocation,
                ["statusListIndex"] = index.ToString(CultureInfo.InvariantCulture),
                ["statusListCredential"] = statusList,
            },
        };
        if (validUntil is { } until) credential["validUntil"] = Iso(until);
        return credential;
    }

    /// <summary>Signs a credential document as a VC-JWT with the first configured key.</summary>
    public string Sign(JsonObject credential)
    {
        var signing = keys.Signing ?? throw new InvalidOperationException("No credential signing key is configured.");
        return Handler.CreateToken(credential.ToJsonString(), signing, new Dictionary<string, object> { [JwtHeaderParameterNames.Typ] = MediaType });
    }

    /// <summary>
    /// Checks a VC-JWT: its signature against the published keys by kid, its type, validFrom and validUntil on the
    /// injected clock, and its status bit in the list it names.
    /// </summary>
    public async Task<VerificationResult> VerifyAsync(string jwt, CancellationToken ct)
    {
        var reasons = new List<string>();
        JsonObject? credential = null;
        JsonNode? subject = null, achievement = null;
        string? validFrom = null, validUntil = null, credentialId = null;
        var validation = await Handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKeys = keys.Verifying,
            ValidAlgorithms = [CredentialKeys.Algorithm],
            ValidTypes = [MediaType],
            ValidateIssuer = false,
            ValidateAudience = false,
            // The credential's own validFrom and validUntil are checked below, on the service's clock.
            ValidateLifetime = false,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
            TryAllIssuerSigningKeys = false,
            CryptoProviderFactory = NoCache,
        });
        if (!validation.IsValid)
            return Invalid(validation.Exception is SecurityTokenSignatureKeyNotFoundException
                ? "The signature's kid is not one of the issuer's published keys."
                : validation.Exception is SecurityTokenInvalidTypeException
                    ? $"The JOSE header's typ is not {MediaType}."
                    : validation.Exception is SecurityTokenMalformedException or ArgumentException
                        ? "The credential is not a compact JWS."
                        : "The signature does not verify against the issuer's published keys.");

        try
        {
            credential = JsonNode.Parse(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(((JsonWebToken)validation.SecurityToken).EncodedPayload)))!.AsObject();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return Invalid("The payload is not a JSON credential.");
        }

        var types = Strings(credential["type"]);
        if (!types.Contains("VerifiableCredential") || !types.Contains("OpenBadgeCredential")) reasons.Add("The type is not VerifiableCredential and OpenBadgeCredential.");
        var contexts = Strings(credential["@context"]);
        if (contexts.FirstOrDefault() != VcContext || !contexts.Contains(ObContext)) reasons.Add("The @context is not VC 2.0 with Open Badges 3.0.");
        subject = credential["credentialSubject"];
        achievement = subject?["achievement"];
        validFrom = Text(credential["validFrom"]);
        validUntil = Text(credential["validUntil"]);
        credentialId = Text(credential["id"]) is { } id && id.StartsWith("urn:uuid:", StringComparison.Ordinal) ? id["urn:uuid:".Length..] : null;
        if (reasons.Count > 0) return Result(false, CredentialStatuses.Invalid);

        var now = time.GetUtcNow();
        var status = CredentialStatuses.Active;
        if (!TryDate(validFrom, out var from)) return Invalid("validFrom is missing or not a date.");
        if (now < from)
        {
            status = CredentialStatuses.NotYetValid;
            reasons.Add($"The credential is valid from {validFrom}.");
        }
        if (validUntil is not null)
        {
            if (!TryDate(validUntil, out var until)) return Invalid("validUntil is not a date.");
            if (now >= until)
            {
                status = CredentialStatuses.Expired;
                reasons.Add($"The credential expired at {validUntil}.");
            }
        }
        switch (await RevokedAsync(credential["credentialStatus"], ct))
        {
            case null:
                return Invalid("The credentialStatus does not name an entry of this issuer's revocation list.");
            case true:
                status = CredentialStatuses.Revoked;
                reasons.Add("The credential was revoked.");
                break;
        }
        return Result(reasons.Count == 0, status);

        VerificationResult Invalid(string reason)
        {
            reasons.Add(reason);
            return Result(false, CredentialStatuses.Invalid);
        }

        VerificationResult Result(bool valid, string status) => new(valid, status, Clone(credential?["issuer"]), Clone(subject),
            Clone(achievement), credentialId, validFrom, validUntil, reasons);
    }

    private async Task<bool?> RevokedAsync(JsonNode? entry, CancellationToken ct)
    {
        if (Text(entry?["type"]) != "BitstringStatusListEntry" || Text(entry?["statusPurpose"]) != StatusList.Revocation) return null;
        if (!long.TryParse(Text(entry?["statusListIndex"]), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= StatusList.Length) return null;
        var url = Text(entry?["statusListCredential"]);
        var at = url?.LastIndexOf(StatusPath, StringComparison.Ordinal) ?? -1;
        if (at < 0 || !long.TryParse(url![(at + StatusPath.Length)..], NumberStyles.None, CultureInfo.InvariantCulture, out var list) || list < 1) return null;
        return await store.IsRevokedAsync(StatusList.Global(list, index), ct);
    }

    private static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    private static List<string> Strings(JsonNode? node) => node switch
    {
        JsonArray array => array.Select(Text).OfType<string>().ToList(),
        JsonValue => Text(node) is { } s ? [s] : [],
        _ => [],
    };

    private static bool TryDate(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
