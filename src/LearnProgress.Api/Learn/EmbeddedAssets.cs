using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace LearnProgress.Api.Learn;

/// <summary>One file shipped inside the assembly, with the validator browsers revalidate it by.</summary>
public sealed record Asset(string Name, byte[] Content, string ContentType, EntityTagHeaderValue ETag);

/// <summary>
/// Files embedded under a prefix (the SDK's modules, the pages), read once: they are small, and serving them from
/// the assembly means `dotnet run` needs nothing but the .NET SDK.
/// </summary>
public sealed class EmbeddedAssets
{
    private static readonly FileExtensionContentTypeProvider Types = new();
    private readonly Dictionary<string, Asset> assets;

    private EmbeddedAssets(Dictionary<string, Asset> assets, string version)
    {
        this.assets = assets;
        Version = version;
    }

    /// <summary>A hash of every file together: the path segment that may be cached for good.</summary>
    public string Version { get; }

    public IReadOnlyCollection<string> Names => assets.Keys;

    public static EmbeddedAssets Load(Assembly assembly, string prefix)
    {
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        using var all = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var content = memory.ToArray();
            var name = resource[prefix.Length..];
            var hash = Convert.ToHexStringLower(SHA256.HashData(content))[..16];
            all.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            all.AppendData(content);
            var type = Types.TryGetContentType(name, out var t) ? t : "application/octet-stream";
            // Module scripts are checked against their MIME type (and nosniff is on).
            if (name.EndsWith(".js", StringComparison.Ordinal)) type = "text/javascript; charset=utf-8";
            assets[name] = new Asset(name, content, type, new EntityTagHeaderValue($"\"{hash}\""));
        }
        return new EmbeddedAssets(assets, Convert.ToHexStringLower(all.GetHashAndReset())[..12]);
    }

    public Asset? Find(string name) => assets.GetValueOrDefault(name);
}
