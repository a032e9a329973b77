namespace EdgeSync.Core.Sync;

/// <summary>Wire tags of the sync messages; values are part of the protocol and never reused.</summary>
public enum SyncMessageType : byte
{
    Push = 1,
    DeltaRequest = 2,
    DeltaResponse = 3,
    DigestRequest = 4,
    DigestResponse = 5,
    BucketRequest = 6,
    BucketResponse = 7,

    // 8 was StatesRequest in a pre-release draft; never reuse it.
    StatesResponse = 9,
    ReplicateRequest = 10,
    ReplicateAck = 11,
    StateRequest = 12,
    StateResponse = 13,

    // A replicate request with several states; one state keeps tag 10, which older nodes read.
    ReplicateBatch = 14,
}
