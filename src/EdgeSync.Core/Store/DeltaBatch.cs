using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Store;

/// <summary>
/// The states a peer lacks. When <see cref="Coverage"/> is set the batch is complete: after
/// applying it the peer holds every update in <see cref="Coverage"/> or one that superseded it.
/// </summary>
public sealed record DeltaBatch(IReadOnlyList<KeyState> States, DotSet? Coverage);
