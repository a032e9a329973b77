using System.Text;
using EdgeSync.Core.Clocks;

namespace EdgeSync.Agent.Config;

/// <summary>Config section <c>Node</c>: who this agent is and where it keeps its data.</summary>
public sealed class NodeSection
{
    public string Id { get; set; } = DefaultId();

    public string DataDir { get; set; } = DefaultDataDir();

    public static NodeSection Read(SectionReader r)
    {
        var s = new NodeSection();
        s.Id = r.String(nameof(Id), s.Id);
        s.DataDir = r.String(nameof(DataDir), s.DataDir);
        r.RejectUnknown();
        return s;
    }

    public IEnumerable<string> Validate()
    {
        if (!NodeId.IsValid(Id))
        {
            yield return $"Node:Id must be {NodeId.Rule} (got '{Id}')";
        }

        if (string.IsNullOrWhiteSpace(DataDir))
        {
            yield return "Node:DataDir must be a directory path (got '')";
        }
    }

    /// <summary>The host name, cleaned up to a valid node id (set Node:Id when hosts share a name).</summary>
    private static string DefaultId()
    {
        var sb = new StringBuilder();
        foreach (var c in Environment.MachineName)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        }

        var id = sb.ToString();
        return id.Length > NodeId.MaxLength ? id[..NodeId.MaxLength] : id;
    }

    /// <summary>systemd's StateDirectory= when run as a service, else a per-user folder.</summary>
    private static string DefaultDataDir()
    {
        var state = Environment.GetEnvironmentVariable("STATE_DIRECTORY");
        if (!string.IsNullOrEmpty(state))
        {
            return state.Split(':')[0];
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "edgesync");
    }
}
