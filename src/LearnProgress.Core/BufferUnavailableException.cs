namespace LearnProgress.Core;

/// <summary>
/// The buffer took a write but could not confirm it as durable as configured (its replicas did not acknowledge it in
/// time): the write is not acknowledged, and the client sends it again. Replaying a ping changes nothing, so a write
/// that did reach the replicas after all is harmless.
/// </summary>
public sealed class BufferUnavailableException(string message) : Exception(message);
