using System.Globalization;
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
        var temp = _path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{record.Term} {record.VotedFor}"));
            writer.Flush();
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, _path, overwrite: true);
    }
}
