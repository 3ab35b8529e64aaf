using DotNet.Testcontainers.Containers;

namespace LearnProgress.Tests.Infrastructure;

/// <summary>Testcontainers, when a Docker engine answers; otherwise the reason it did not, for the skip message.</summary>
public static class Containers
{
    public static async Task<(T? Container, string? Failure)> TryStartAsync<T>(Func<T> build) where T : IContainer
    {
        T container;
        try
        {
            container = build();
        }
        catch (Exception ex)
        {
            return (default, $"no Docker engine for Testcontainers ({ex.GetType().Name}: {FirstLine(ex.Message)})");
        }
        try
        {
            await container.StartAsync();
            return (container, null);
        }
        catch (Exception ex)
        {
            await container.DisposeAsync();
            return (default, $"Testcontainers could not start {container.Image.FullName} ({ex.GetType().Name}: {FirstLine(ex.Message)})");
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
