using System.Net;
using System.Text.Json;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Api;

/// <summary>Where credential signing keys come from: configuration checked at start-up, or a Development key kept on disk.</summary>
public sealed class CredentialKeyTests
{
    private static async Task<string[]> KidsAsync(LearnProgressApp app)
    {
        using var anonymous = app.ClientFor(null);
        var jwks = await (await anonymous.GetAsync("/.well-known/jwks.json")).JsonAsync();
        return jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToArray();
    }

    [Fact]
    public async Task Development_makes_one_key_in_the_data_directory_and_signs_with_it_after_a_restart()
    {
        using var data = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["Storage:DataDirectory"] = data.Path };
        string[] first;
        await using (var app = new LearnProgressApp(environment: "Development", settings: settings))
            first = await KidsAsync(app);
        Assert.Single(first);
        Assert.True(File.Exists(Path.Combine(data.Path, "credential-signing-key.pem")));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data.Path, "credential-signing-key.pem")));

        await using var restarted = new LearnProgressApp(environment: "Development", settings: settings);
        Assert.Equal(first, await KidsAsync(restarted));
    }

    [Fact]
    public async Task Outside_development_without_keys_issuing_is_a_503_and_no_key_is_published()
    {
        await using var app = new LearnProgressApp();
        Assert.Empty(await KidsAsync(app));
        Assert.False(File.Exists(Path.Combine(app.DataDirectory, "credential-signing-key.pem")));

        using var admin = app.Admin();
        var skill = Unique.Id("s");
        (await admin.PutAsync($"/api/v1/skills/{skill}", JsonContent("{\"name\":\"S\"}"))).EnsureSuccessStatusCode();
        (await admin.PutAsync("/api/v1/certifications/c1", JsonContent(
            $"{{\"title\":\"T\",\"description\":\"D\",\"criteria\":\"C\",\"requirements\":{{\"skills\":[{{\"skillId\":\"{skill}\",\"minMastery\":0.5}}]}}}}"))).EnsureSuccessStatusCode();
        using var learner = app.Learner(Unique.Id("u"));
        var response = await learner.PostAsync("/api/v1/me/certifications/c1/credential", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Credentials:SigningKeys", (await response.JsonAsync()).GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("not a key", "Credentials:SigningKeys:0 is not a P-256 key")]
    [InlineData("public", "Credentials:SigningKeys:0 is the signing key (the first one) and must hold the private key")]
    [InlineData("p384", "P-256")]
    public async Task A_bad_signing_key_stops_the_start_with_a_message_naming_it(string pem, string message)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(pem == "p384"
            ? System.Security.Cryptography.ECCurve.NamedCurves.nistP384 : System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var configured = pem switch
        {
            "public" => key.ExportSubjectPublicKeyInfoPem(),
            "p384" => key.ExportPkcs8PrivateKeyPem(),
            _ => pem,
        };
        await using var app = new LearnProgressApp(settings: new()
        {
            ["Credentials:SigningKeys:0:Kid"] = "k1",
            ["Credentials:SigningKeys:0:Pem"] = configured,
        });
        Assert.Contains(message, Assert.ThrowsAny<Exception>(() => app.Server).ToString());
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
