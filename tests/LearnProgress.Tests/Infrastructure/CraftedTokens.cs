using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LearnProgress.Tests.Infrastructure;

/// <summary>Hand-built JWTs with any header and claims, for tokens no well-behaved library would mint.</summary>
public static class CraftedTokens
{
    public enum Kind
    {
        Expired, NotYetValid, NoSignature, NoneWithSignature, OtherKey, OtherIssuer, OtherAudience,
        Hs512SameKey, Rs256HeaderHmacSignature, NoExpiry, Tampered, Garbage, Empty,
    }

    public static string Create(Kind kind, string sub)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["sub"] = sub, ["iss"] = TestTokens.Issuer, ["aud"] = TestTokens.Audience,
            ["iat"] = now, ["nbf"] = now, ["exp"] = now + 3600,
        };
        var key = TestTokens.SigningKey;
        var alg = "HS256";
        switch (kind)
        {
            case Kind.Expired: (claims["iat"], claims["nbf"], claims["exp"]) = (now - 7200, now - 7200, now - 3600); break;
            case Kind.NotYetValid: (claims["nbf"], claims["exp"]) = (now + 3600, now + 7200); break;
            case Kind.NoSignature: return $"{Part(new { alg = "none", typ = "JWT" })}.{Part(claims)}.";
            case Kind.NoneWithSignature: alg = "none"; break;
            case Kind.OtherKey: key = "another-signing-key-that-is-long-enough-0123456789"; break;
            case Kind.OtherIssuer: claims["iss"] = "someone-else"; break;
            case Kind.OtherAudience: claims["aud"] = "someone-else"; break;
            case Kind.Hs512SameKey: alg = "HS512"; break;
            case Kind.Rs256HeaderHmacSignature: alg = "RS256"; break;
            case Kind.NoExpiry: claims.Remove("exp"); break;
            case Kind.Tampered:
                var signed = Sign("HS256", claims, key);
                claims["sub"] = sub + "x";
                return string.Join('.', Part(new { alg = "HS256", typ = "JWT" }), Part(claims), signed.Split('.')[2]);
            case Kind.Garbage: return "not-a-jwt";
            case Kind.Empty: return "";
        }
        return Sign(alg, claims, key);
    }

    private static string Sign(string alg, Dictionary<string, object> claims, string key)
    {
        var unsigned = $"{Part(new { alg, typ = "JWT" })}.{Part(claims)}";
        var bytes = Encoding.UTF8.GetBytes(key);
        var data = Encoding.ASCII.GetBytes(unsigned);
        var signature = alg == "HS512" ? HMACSHA512.HashData(bytes, data) : HMACSHA256.HashData(bytes, data);
        return $"{unsigned}.{Base64Url(signature)}";
    }

    private static string Part(object value) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(value));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
