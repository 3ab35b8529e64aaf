namespace LearnProgress.Tests.Infrastructure;

/// <summary>
/// Tests that read their own app's metric values, or time a server under load, run after the parallel ones and
/// alone: OpenTelemetry listens to meters by name across the process, so another app's instrument of the same name
/// could answer for theirs, and a loaded machine would time the other tests rather than the server.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Serial
{
    public const string Name = "Serial";
}
