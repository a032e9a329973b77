using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeSync.Agent.Changes;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Tests.Changes;

/// <summary>The server-sent event framing of changes, rendered as UTF-8 through one reused buffer.</summary>
public sealed class ChangeEventFormatTests
{
    [Fact]
    public void Consecutive_changes_are_framed_one_event_each_with_keys_in_utf8()
    {
        var at = new DateTimeOffset(2026, 11, 27, 21, 55, 0, TimeSpan.Zero).AddTicks(1_234_567);
        var scratch = new ArrayBufferWriter<byte>(16); // small on purpose: the writer must grow it
        var first = ChangeFrame.Render(scratch, 41, new ReplicaChange(ChangeKind.LocalDelete, "greenhouse/α-ключ", null, 0), at);
        var second = ChangeFrame.Render(scratch, 42, new ReplicaChange(ChangeKind.Purged, "b", null, 0), at);

        // The buffer is reused: the first frame must not have been overwritten by the second.
        var text = Encoding.UTF8.GetString(first) + Encoding.UTF8.GetString(second);
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, events.Length);
        Assert.EndsWith("\n\n", text, StringComparison.Ordinal);

        var lines = events[0].Split('\n');
        Assert.Equal(["id: 41", "event: change"], lines[..2]);
        using var data = JsonDocument.Parse(lines[2]["data: ".Length..]);
        Assert.Equal("greenhouse/α-ключ", data.RootElement.GetProperty("key").GetString());
        Assert.Equal("delete", data.RootElement.GetProperty("kind").GetString());
        Assert.True(data.RootElement.GetProperty("deleted").GetBoolean());
        Assert.Equal("2026-11-27T21:55:00.123456Z", data.RootElement.GetProperty("at").GetString());
        Assert.StartsWith("id: 42\nevent: change\ndata: {\"seq\":42,\"kind\":\"purged\"", events[1], StringComparison.Ordinal);
    }
}
