using System.Globalization;

namespace EdgeSync.Core.Tests.Fuzz;

/// <summary>
/// Cases per fuzz property: 5,000 in the normal run; <c>EDGESYNC_FUZZ_ITERATIONS=100000</c> (or more)
/// for the soak run.
/// </summary>
public static class FuzzBudget
{
    public static long Iterations =>
        long.TryParse(Environment.GetEnvironmentVariable("EDGESYNC_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 5_000;
}
