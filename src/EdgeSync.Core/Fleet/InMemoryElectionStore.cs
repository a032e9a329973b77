namespace EdgeSync.Core.Fleet;

/// <summary>An election store that survives simulated restarts (the simulator keeps the instance).</summary>
public sealed class InMemoryElectionStore : IElectionStore
{
    private ElectionRecord _record = new(0, null);

    public ElectionRecord Load() => _record;

    public void Save(ElectionRecord record) => _record = record;
}
