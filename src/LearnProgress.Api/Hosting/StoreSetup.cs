using LearnProgress.Core;

namespace LearnProgress.Api.Hosting;

/// <summary>
/// Whether the store is set up for writing: its indexes made and Hangfire's job storage migrated. SQLite is set up
/// when it opens; MongoDB may be away when the service starts, and is set up in the background once it answers
/// (<see cref="MongoStorageExtensions"/>). Until then readiness says no, the job server and the recurring jobs wait,
/// and the writes that rely on the unique indexes answer as the store being away.
/// </summary>
public sealed class StoreSetup
{
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _problem;

    public StoreSetup(bool complete)
    {
        if (complete) Complete();
    }

    public bool IsComplete => _complete.Task.IsCompleted;

    /// <summary>Why the last attempt failed, for the log and the operator; null once set up.</summary>
    public string? Problem => IsComplete ? null : Volatile.Read(ref _problem);

    public Task WhenCompleteAsync(CancellationToken cancellationToken) => _complete.Task.WaitAsync(cancellationToken);

    public void Complete() => _complete.TrySetResult();

    public void Failed(string problem) => Volatile.Write(ref _problem, problem);

    /// <summary>Answers like any store outage (503 with Retry-After) instead of writing before the set-up.</summary>
    public void ThrowIfIncomplete()
    {
        if (!IsComplete)
            throw new StoreUnavailableException("The store is not set up yet: it has not answered since the service started.",
                new InvalidOperationException(Problem ?? "The set-up has not run yet."));
    }
}
