namespace EdgeSync.Benchmarks;

/// <summary>
/// Of the <paramref name="Slow"/> lag samples at or above the p99, the <paramref name="Held"/> that an
/// agent's garbage collection on their path overlapped; the p99 of the samples none overlapped; and
/// how many collections the three agents ran in the run.
/// </summary>
internal sealed record HeldUp(int Slow, int Held, double P99NotHeld, int Collections);
