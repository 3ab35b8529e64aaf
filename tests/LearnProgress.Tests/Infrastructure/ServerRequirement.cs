namespace LearnProgress.Tests.Infrastructure;

/// <summary>
/// A test that cannot get its server is skipped with the reason, never passed; under CI=true the servers the
/// README installs must be there, so a missing one fails instead.
/// </summary>
public static class ServerRequirement
{
    public static bool InCi => Environment.GetEnvironmentVariable("CI") is { } ci &&
        (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    /// <summary>Whether an executable of that name is on the PATH (a Debian package the tests use).</summary>
    public static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, tool)));

    public static void Unavailable(string reason, bool requiredInCi = true)
    {
        if (InCi && requiredInCi)
            Assert.Fail($"Required server unavailable in CI: {reason}");
        Assert.Skip(reason);
    }
}
