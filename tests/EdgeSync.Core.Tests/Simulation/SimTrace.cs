using System.Text;

namespace EdgeSync.Core.Tests.Simulation;

/// <summary>A running FNV-1a hash of everything that happened, to show a seed replays identically.</summary>
public sealed class SimTrace
{
    private const ulong Prime = 1099511628211;
    private ulong _hash = 14695981039346656037;

    public ulong Hash => _hash;

    public long Events { get; private set; }

    public void Add(string text) => Mix(Encoding.UTF8.GetBytes(text));

    public void Add(long at, string from, string to, byte[] bytes)
    {
        Mix(BitConverter.GetBytes(at));
        Add(from + ">" + to);
        Mix(bytes);
    }

    private void Mix(ReadOnlySpan<byte> bytes)
    {
        Events++;
        foreach (var b in bytes)
        {
            _hash = (_hash ^ b) * Prime;
        }
    }
}
