using System.Text;
using EdgeSync.Agent.Hosting;
using EdgeSync.Agent.Mqtt;
using EdgeSync.Core.Fleet;
using EdgeSync.Core.Sync;

namespace EdgeSync.Agent.Tests.Mqtt;

/// <summary>The retained presence payload: who is online, which agent it runs and which formats it speaks.</summary>
public sealed class PresenceInfoTests
{
    [Fact]
    public void This_agent_announces_its_version_and_wire_formats_and_reads_them_back()
    {
        var json = Encoding.UTF8.GetString(PresenceInfo.Of("pi1", online: true).ToJson());
        Assert.Equal($"{{\"node\":\"pi1\",\"status\":\"online\",\"agent\":\"{AgentVersion.Text}\",\"wire\":{{\"sync\":{SyncCodec.Version},\"fleet\":{FleetCodec.Version}}}}}", json);

        Assert.True(PresenceInfo.TryParse(Encoding.UTF8.GetBytes(json), out var back));
        Assert.Equal(PresenceInfo.Of("pi1", online: true), back);
        Assert.Null(back!.WireMismatch());
    }

    [Fact]
    public void An_announcement_without_version_fields_still_counts()
    {
        Assert.True(PresenceInfo.TryParse("{\"node\":\"pi1\",\"status\":\"offline\"}"u8, out var p));
        Assert.Equal(new PresenceInfo("pi1", false), p);
        Assert.Null(p!.WireMismatch()); // an agent that does not say is not accused
    }

    [Theory]
    [InlineData("{\"node\":\"pi1\",\"status\":\"online\",\"agent\":42,\"wire\":\"2\"}")]
    [InlineData("{\"node\":\"pi1\",\"status\":\"online\",\"agent\":\"<script>\",\"wire\":{\"sync\":-1,\"fleet\":1.5}}")]
    [InlineData("{\"node\":\"pi1\",\"status\":\"online\",\"agent\":\"\",\"wire\":{\"sync\":\"x\",\"fleet\":999}}")]
    public void Odd_optional_fields_are_ignored_not_believed(string json)
    {
        Assert.True(PresenceInfo.TryParse(Encoding.UTF8.GetBytes(json), out var p));
        Assert.Equal(new PresenceInfo("pi1", true), p);
    }

    [Fact]
    public void An_agent_that_speaks_other_formats_is_named_with_both_versions()
    {
        var newer = new PresenceInfo("pi2", true, "0.2.0", SyncCodec.Version + 1, FleetCodec.Version);
        var why = newer.WireMismatch();
        Assert.NotNull(why);
        Assert.Contains("pi2 (agent 0.2.0)", why, StringComparison.Ordinal);
        Assert.Contains($"sync messages version {SyncCodec.Version + 1}, this node {SyncCodec.Version}", why, StringComparison.Ordinal);
        Assert.DoesNotContain("fleet messages", why, StringComparison.Ordinal);
    }
}
