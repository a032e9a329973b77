namespace EdgeSync.Core.Fleet;

/// <summary>Durable home of the <see cref="ElectionRecord"/>; Save returns once it is on disk.</summary>
public interface IElectionStore
{
    ElectionRecord Load();

    void Save(ElectionRecord record);
}
