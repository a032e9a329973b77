using System.Buffers;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using MQTTnet;

namespace EdgeSync.Agent.Mqtt;

/// <summary>
/// Runs inside MQTTnet's receive loop, so it only checks, copies and hands off: every message is either
/// written to the inbox, recognised as our own probe or echo, or dropped and counted — never thrown on.
/// </summary>
internal sealed class InboundFilter(TopicScheme topics, string self, int maxPayloadBytes, MqttTransportStats stats,
    ChannelWriter<FleetMessage> inbox, Action<long> probeEchoed, Action inbound)
{
    public Task HandleAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        Handle(e.ApplicationMessage);
        return Task.CompletedTask;
    }

    public void Handle(MqttApplicationMessage message)
    {
        inbound();
        if (!topics.TryParse(message.Topic, out var topic))
        {
            stats.Drop(DropReason.MalformedTopic);
            return;
        }

        if (message.Payload.Length > maxPayloadBytes)
        {
            stats.Drop(DropReason.Oversized);
            return;
        }

        switch (topic.Channel)
        {
            case FleetChannel.Probe when topic.From == self && message.Payload.Length <= 20
                                          && long.TryParse(Encoding.ASCII.GetString(message.Payload), NumberStyles.None, CultureInfo.InvariantCulture, out var seq):
                stats.Received(FleetChannel.Probe, (int)message.Payload.Length);
                probeEchoed(seq);
                return;
            case FleetChannel.Probe:
            case FleetChannel.Direct when topic.Target != self:
                stats.Drop(DropReason.Misaddressed);
                return;
            case FleetChannel.Push or FleetChannel.Heartbeat or FleetChannel.Election or FleetChannel.Presence when topic.From == self:
                // MQTT 3.1.1 has no no-local subscriptions; our own retained presence also comes back on subscribe.
                stats.OwnEcho();
                return;
        }

        var payload = message.Payload.ToArray();
        if (topic.Channel == FleetChannel.Presence && (!PresenceInfo.TryParse(payload, out var presence) || presence!.Node != topic.From))
        {
            stats.Drop(DropReason.MalformedPayload);
            return;
        }

        stats.Received(topic.Channel, payload.Length);
        if (!inbox.TryWrite(new FleetMessage(topic, payload, message.Retain)))
            stats.Drop(DropReason.InboxFull);
    }
}
