namespace EdgeSync.Benchmarks;

/// <summary>
/// A paced lag run's figures, and per write when it was sent and when each follower applied it
/// (wall clock), for matching slow writes to other recordings of the run, with the lag between the two
/// (<paramref name="LagMs"/>, per follower and write, in milliseconds).
/// </summary>
internal sealed record LagResult(Latency Lag, double Max, Latency Seen, Latency Put, double Achieved, DateTimeOffset[] SentWall, DateTimeOffset[][] Applied, double[][] LagMs);
