using System.Globalization;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Fleet;

namespace EdgeSync.Agent.Replication;

/// <summary>
/// The election record in a small file beside the replica, replaced atomically (write, fsync,
/// rename, fsync the directory) so a vote is never forgotten across a crash or power cut.
/// </summary>
public sealed class FileElectionStore(string dataDir) : IElectionStore
{
    private readonly string _path = Path.Combine(dataDir, "election");

    public ElectionRecord Load()
    {
        if (!File.Exists(_path))
        {
            return new ElectionRecord(0, null);
        }

        var parts = File.ReadAllText(_path).Trim().Split(' ', 2);
        if (!long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var term))
        {
            throw new InvalidDataException($"The election record '{_path}' is corrupt.");
        }

        return new ElectionRecord(term, parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null);
    }

    public void Save(ElectionRecord record)
    {
        DurableFile.Replace(_path, string.Create(CultureInfo.InvariantCulture, $"{record.Term} {record.VotedFor}"));
    }
}
