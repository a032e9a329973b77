namespace EdgeSync.Core.Tests.Simulation;

/// <summary>The outcome of one seeded run: its trace hash, what it did, and every violation found.</summary>
public sealed record SimResult(int Seed, ulong TraceHash, IReadOnlyList<string> Problems, string Summary, int KeptTreeStarts = 0)
{
    public bool Ok => Problems.Count == 0;

    public string Report() =>
        $"seed {Seed} failed ({Summary}); replay with EDGESYNC_SIM_SEED={Seed}:{Environment.NewLine}  "
        + string.Join(Environment.NewLine + "  ", Problems.Take(10));
}
