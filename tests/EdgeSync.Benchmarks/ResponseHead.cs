namespace EdgeSync.Benchmarks;

/// <summary>What an HTTP answer's head says about it: <paramref name="Length"/> counts only when not <paramref name="Chunked"/>.</summary>
public readonly record struct ResponseHead(int Status, long Length, bool Chunked);
