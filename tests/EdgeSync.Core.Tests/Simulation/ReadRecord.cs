using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Tests.Simulation;

/// <summary>One read: where, when (history sequence), what values (by dot) and context it returned.</summary>
public sealed record ReadRecord(string Node, string Key, long At, IReadOnlyList<(Dot Dot, string Value)> Values, DotSet Context, bool Found);
