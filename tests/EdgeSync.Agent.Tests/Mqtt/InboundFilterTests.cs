using System.Text;
using System.Threading.Channels;
using EdgeSync.Agent.Mqtt;
using MQTTnet;

namespace EdgeSync.Agent.Tests.Mqtt;

public class InboundFilterTests
{
    private readonly TopicScheme _topics = new("lab");
    private readonly MqttTransportStats _stats = new();
    private readonly Channel<FleetMessage> _inbox = Channel.CreateBounded<FleetMessage>(2);
    private readonly List<long> _probes = [];
    private readonly InboundFilter _filter;
    private int _inbound;

    public InboundFilterTests() => _filter = new InboundFilter(_topics, "me", 1024, _stats, _inbox.Writer, _probes.Add, () => _inbound++);

    private void Send(string topic, byte[] payload, bool retain = false) =>
        _filter.Handle(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain).Build());

    [Fact]
    public void Passes_fleet_messages_with_a_copy_of_the_payload()
    {
        var payload = new byte[] { 1, 2, 3 };
        Send(_topics.Push("pi1"), payload);
        payload[0] = 9;
        Assert.True(_inbox.Reader.TryRead(out var message));
        Assert.Equal(new FleetTopic(FleetChannel.Push, "pi1"), message.Topic);
        Assert.Equal(new byte[] { 1, 2, 3 }, message.Payload.ToArray());
        Assert.Equal(1, _stats.ReceivedMessages(FleetChannel.Push));
        Assert.Equal(3, _stats.ReceivedBytes(FleetChannel.Push));
    }

    [Fact]
    public void Drops_and_counts_what_does_not_belong()
    {
        Send("edgesync/lab/push/pi1/extra", [1]);
        Send("edgesync/lab/whatever", [1]);
        Send(_topics.Push("pi1"), new byte[1025]);
        Send(_topics.Direct("other", "sync-req", "pi1"), [1]);
        Send(_topics.Probe("other"), LinkSupervisor.ProbePayload(1));
        Send(_topics.Presence("pi1"), Encoding.UTF8.GetBytes("{not json"));
        Send(_topics.Presence("pi1"), new PresenceInfo("pi2", true).ToJson());
        Send(_topics.Presence("pi1"), []);
        Assert.False(_inbox.Reader.TryRead(out _));
        Assert.Equal(2, _stats.Dropped(DropReason.MalformedTopic));
        Assert.Equal(1, _stats.Dropped(DropReason.Oversized));
        Assert.Equal(2, _stats.Dropped(DropReason.Misaddressed));
        Assert.Equal(3, _stats.Dropped(DropReason.MalformedPayload));
        Assert.Equal(8, _stats.DroppedTotal);
    }

    [Fact]
    public void Skips_own_echoes_and_reports_own_probes()
    {
        Send(_topics.Push("me"), [1]);
        Send(_topics.Presence("me"), new PresenceInfo("me", true).ToJson(), retain: true);
        Send(_topics.Probe("me"), LinkSupervisor.ProbePayload(258));
        Assert.False(_inbox.Reader.TryRead(out _));
        Assert.Equal(2, _stats.OwnEchoes);
        Assert.Equal([258L], _probes);
        Assert.Equal(3, _inbound); // every arrival proves the link alive
    }

    [Fact]
    public void Counts_drops_when_the_consumer_is_behind_instead_of_blocking()
    {
        for (var i = 0; i < 5; i++)
            Send(_topics.Heartbeat("pi1"), [(byte)i]);
        Assert.Equal(3, _stats.Dropped(DropReason.InboxFull));
        Assert.True(_inbox.Reader.TryRead(out var first));
        Assert.Equal(0, first.Payload.Span[0]);
    }

    [Fact]
    public void Accepts_valid_presence_and_directed_messages()
    {
        Send(_topics.Presence("pi1"), new PresenceInfo("pi1", false).ToJson(), retain: true);
        Send(_topics.Direct("me", "sync-resp", "pi1"), [7]);
        Assert.True(_inbox.Reader.TryRead(out var presence));
        Assert.True(presence.Retained);
        Assert.True(PresenceInfo.TryParse(presence.Payload.Span, out var info));
        Assert.Equal(new PresenceInfo("pi1", false), info);
        Assert.True(_inbox.Reader.TryRead(out var direct));
        Assert.Equal(new FleetTopic(FleetChannel.Direct, "pi1", "me", "sync-resp"), direct.Topic);
    }
}
