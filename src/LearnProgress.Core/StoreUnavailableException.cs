namespace LearnProgress.Core;

/// <summary>
/// The store could not be reached or is busy (down, locked, out of disk): nothing about the data is wrong, so the
/// work is retried whole later. Any other failure of a write is taken as the data's own.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);
