namespace LearnProgress.Tests.Infrastructure;

/// <summary>The checkout the tests run from, for tests that read its files (manifests, README, the benchmark).</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LearnProgress.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("LearnProgress.sln not found above the test binaries.");
    }
}
