namespace EdgeSync.Core.Tests.Store;

/// <summary>
/// One generated event of a single key's history. <see cref="Kind"/>: 0–2 write with the node's
/// own context (no client context), 3 blind write (empty context), 4 write with a context a
/// client read earlier (any snapshot, possibly from another node), 5 delete, 6–9 deliver a
/// snapshot (any earlier state of any node: delayed, duplicated, reordered) to the node.
/// </summary>
public sealed record HistoryStep(int Kind, int Node, int Pick, int Wall)
{
    public const int Kinds = 10;
    public const int ClientContextWrite = 4;

    public override string ToString() => $"{Kind}/{Node}/{Pick}/{Wall}";
}
