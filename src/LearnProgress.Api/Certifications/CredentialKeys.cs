using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using LearnProgress.Api.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace LearnProgress.Api.Certifications;

/// <summary>One credential signing key: a P-256 key as PEM (with <see cref="Kid"/>) or as a JWK (its own kid, or <see cref="Kid"/>).</summary>
public sealed class SigningKeyOptions
{
    public string? Kid { get; set; }
    public string? Pem { get; set; }
    public string? Jwk { get; set; }
}

/// <summary>`Credentials:*`: the keys credentials are signed with, and how the issuer names itself.</summary>
public sealed class CredentialsOptions : IValidatableObject
{
    public const string Section = "Credentials";

    /// <summary>The first key signs and must hold the private part; every key is published, so older ones still verify.</summary>
    public List<SigningKeyOptions> SigningKeys { get; set; } = [];

    /// <summary>The origin credentials name (issuer profile, status lists, achievements); the request's own origin when unset.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The issuer's name in its profile and in every credential.</summary>
    [Required(AllowEmptyStrings = false)]
    public string IssuerName { get; set; } = "LearnProgress";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublicBaseUrl is not null && !(Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            yield return new ValidationResult("Credentials:PublicBaseUrl must be an absolute http(s) URL.", [nameof(PublicBaseUrl)]);
        for (var i = 0; i < SigningKeys.Count; i++)
        {
            string? error;
            try
            {
                using var key = CredentialKeys.Parse(SigningKeys[i], out var kid);
                error = i == 0 && !HasPrivate(key.Key)
                    ? "is the signing key (the first one) and must hold the private key."
                    : string.IsNullOrWhiteSpace(kid) ? "needs a Kid." : null;
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException or FormatException or InvalidOperationException)
            {
                error = $"is not a P-256 key in PEM or JWK form: {ex.Message}";
            }
            if (error is not null) yield return new ValidationResult($"Credentials:SigningKeys:{i} {error}", [nameof(SigningKeys)]);
        }
        var kids = SigningKeys.Select(k => k.Kid).Where(k => k is not null).ToList();
        if (kids.Distinct(StringComparer.Ordinal).Count() != kids.Count)
            yield return new ValidationResult("Credentials:SigningKeys must not repeat a Kid.", [nameof(SigningKeys)]);
    }

    private static bool HasPrivate(ECDsa key)
    {
        try
        {
            return key.ExportParameters(includePrivateParameters: true).D is { Length: > 0 };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}

/// <summary>
/// The keys credentials are signed and verified with. Configured keys come from <c>Credentials:SigningKeys</c>; in
/// Development without any, one ES256 key is made once and kept in the data directory, so credentials outlive a
/// restart. Elsewhere without keys issuing answers 503 (and the start-up log says why); verifying still runs.
/// </summary>
public sealed partial class CredentialKeys : IDisposable
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;
    public const string DevelopmentKeyFile = "credential-signing-key.pem";

    private readonly List<(ECDsa Key, ECDsaSecurityKey SecurityKey)> _keys = [];

    public CredentialKeys(IOptions<CredentialsOptions> options, IOptions<StorageOptions> storage, IHostEnvironment environment, ILogger<CredentialKeys> logger)
    {
        foreach (var configured in options.Value.SigningKeys)
        {
            var holder = Parse(configured, out var kid);
            _keys.Add((holder.Key, SecurityKey(holder.Key, kid)));
        }
        if (_keys.Count == 0 && environment.IsDevelopment())
        {
            var key = DevelopmentKey(Path.Combine(storage.Value.DataDirectory, DevelopmentKeyFile));
            _keys.Add((key, SecurityKey(key, Thumbprint(key))));
            LogDevelopmentKey(logger, Path.Combine(storage.Value.DataDirectory, DevelopmentKeyFile));
        }
        if (_keys.Count == 0) LogNoKeys(logger);
        Signing = _keys.Count == 0 ? null
            : new SigningCredentials(_keys[0].SecurityKey, Algorithm) { CryptoProviderFactory = _keys[0].SecurityKey.CryptoProviderFactory };
    }

    /// <summary>The first key's credentials; null when none is configured (issuing is then off).</summary>
    public SigningCredentials? Signing { get; }

    /// <summary>Every key, public part, for verifying by kid.</summary>
    public IReadOnlyList<SecurityKey> Verifying => _keys.Select(k => (SecurityKey)k.SecurityKey).ToList();

    /// <summary>The JSON Web Key Set: the public part of every key.</summary>
    public object Jwks => new
    {
        keys = _keys.Select(k =>
        {
            var p = k.Key.ExportParameters(includePrivateParameters: false);
            return new Dictionary<string, string>
            {
                ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
                ["kid"] = k.SecurityKey.KeyId, ["use"] = "sig", ["alg"] = Algorithm,
            };
        }).ToList(),
    };

    /// <summary>
    /// The library's shared cache of signature providers is keyed by kid, not by key material: a provider cached for an
    /// earlier key with the same kid (another host in the process, a replaced key) would sign or verify with it.
    /// These keys keep no cache.
    /// </summary>
    private static ECDsaSecurityKey SecurityKey(ECDsa key, string kid) =>
        new(key) { KeyId = kid, CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } };

    /// <summary>A configured key and its kid (the configured Kid, else the JWK's, else the RFC 7638 thumbprint).</summary>
    public static KeyHolder Parse(SigningKeyOptions configured, out string kid)
    {
        var key = ECDsa.Create();
        try
        {
            if (!string.IsNullOrWhiteSpace(configured.Pem) == !string.IsNullOrWhiteSpace(configured.Jwk))
                throw new ArgumentException("set exactly one of Pem and Jwk");
            string? ownKid = null;
            if (!string.IsNullOrWhiteSpace(configured.Pem))
            {
                key.ImportFromPem(configured.Pem);
            }
            else
            {
                var jwk = new JsonWebKey(configured.Jwk);
                if (jwk.Kty != "EC" || jwk.Crv != "P-256") throw new ArgumentException("the JWK must be kty EC with crv P-256");
                key.ImportParameters(new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(jwk.X), Y = Base64UrlEncoder.DecodeBytes(jwk.Y) },
                    D = string.IsNullOrEmpty(jwk.D) ? null : Base64UrlEncoder.DecodeBytes(jwk.D),
                });
                ownKid = jwk.Kid;
            }
            if (key.KeySize != 256 || key.ExportParameters(false).Curve.Oid.FriendlyName is not ("nistP256" or "ECDSA_P256"))
                throw new ArgumentException("the key must be on the P-256 curve (ES256)");
            kid = !string.IsNullOrWhiteSpace(configured.Kid) ? configured.Kid : ownKid ?? Thumbprint(key);
            return new KeyHolder(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public sealed class KeyHolder(ECDsa key) : IDisposable
    {
        public ECDsa Key { get; } = key;
        public void Dispose() => Key.Dispose();
    }

    private static string Thumbprint(ECDsa key)
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key));
        return Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
    }

    private static ECDsa DevelopmentKey(string path)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (File.Exists(path))
        {
            key.ImportFromPem(File.ReadAllText(path));
            return key;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: false);
        return key;
    }

    public void Dispose()
    {
        foreach (var (key, _) in _keys) key.Dispose();
    }

    [LoggerMessage(LogLevel.Information, "Credentials are signed with the Development key kept at {Path}")]
    private static partial void LogDevelopmentKey(ILogger logger, string path);

    [LoggerMessage(LogLevel.Warning,
        "No Credentials:SigningKeys are configured: issuing credentials answers 503 until a P-256 key (PEM or JWK) is set; verifying stays on")]
    private static partial void LogNoKeys(ILogger logger);
}
