namespace LearnProgress.Tests.Infrastructure;

/// <summary>Ids unique per test, so no test depends on another's data.</summary>
public static class Unique
{
    public static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 17, 64)];
}
