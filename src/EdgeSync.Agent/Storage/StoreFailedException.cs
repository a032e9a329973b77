namespace EdgeSync.Agent.Storage;

/// <summary>The store failed while the agent ran (see <see cref="ReplicaService.Failed"/>), so the agent stopped.</summary>
public sealed class StoreFailedException(string message, Exception inner) : Exception(message, inner);
