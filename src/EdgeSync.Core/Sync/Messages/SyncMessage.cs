namespace EdgeSync.Core.Sync;

/// <summary>
/// One message of the sync protocol. Every message names its fleet and sender so a receiver can
/// drop traffic that is not for it; the transport only moves the bytes <see cref="SyncCodec"/> makes.
/// </summary>
public abstract record SyncMessage(string Fleet, string Sender);
