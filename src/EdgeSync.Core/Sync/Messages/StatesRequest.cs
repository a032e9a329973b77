namespace EdgeSync.Core.Sync;

/// <summary>Asks for the full states of keys found to differ by the digest check.</summary>
public sealed record StatesRequest(string Fleet, string Sender, IReadOnlyList<string> Keys) : SyncMessage(Fleet, Sender);
