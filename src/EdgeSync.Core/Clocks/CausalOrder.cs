namespace EdgeSync.Core.Clocks;

/// <summary>How two causal histories relate.</summary>
public enum CausalOrder
{
    Equal,
    Before,
    After,
    Concurrent,
}
