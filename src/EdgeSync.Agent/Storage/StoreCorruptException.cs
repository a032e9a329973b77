namespace EdgeSync.Agent.Storage;

/// <summary>The store file exists but LiteDB cannot read it (bad pages, bad header, bad documents).</summary>
public sealed class StoreCorruptException(string message, Exception inner) : IOException(message, inner);
