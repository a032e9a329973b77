using System.Net;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeSync.Agent.Mqtt;

/// <summary>Builds MQTTnet client options for one broker and protocol version.</summary>
internal static class MqttClientOptionsFactory
{
    public static MqttClientOptions Build(MqttFleetOptions options, TopicScheme topics, BrokerEndpoint broker, MqttProtocolVersion version)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithEndPoint(new DnsEndPoint(broker.Host, broker.Port))
            .WithClientId(options.NodeId)
            .WithProtocolVersion(version)
            .WithKeepAlivePeriod(options.KeepAlive)
            .WithTimeout(options.ConnectTimeout)
            .WithWillTopic(topics.Presence(options.NodeId))
            .WithWillPayload(PresenceInfo.Of(options.NodeId, online: false).ToJson())
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);

        if (version == MqttProtocolVersion.V500)
        {
            // A persistent session rides out short outages with subscriptions and queued pushes intact.
            builder.WithCleanStart(false).WithSessionExpiryInterval((uint)options.SessionExpiry.TotalSeconds);
        }
        else
        {
            // 3.1.1 sessions never expire, so a persistent one would queue for a dead node forever.
            builder.WithCleanSession(true);
        }

        if (options.Username is not null)
            builder.WithCredentials(options.Username, options.Password ?? "");

        var built = builder.Build();
        if (built.ChannelOptions is MqttClientTcpOptions tcp)
        {
            // Nagle adds tens of milliseconds to every request/response through the broker.
            tcp.NoDelay = true;
            if (broker.UseTls)
            {
                tcp.TlsOptions = Security.BrokerTls.Build(options, broker);
            }
        }

        return built;
    }

    public static MqttClientSubscribeOptions Subscriptions(TopicScheme topics, string self, MqttProtocolVersion version)
    {
        var builder = new MqttClientSubscribeOptionsBuilder();
        foreach (var (filter, noLocal) in topics.SubscriptionsFor(self))
        {
            // No-local exists only in MQTT 5; on 3.1.1 our own broadcasts come back and are skipped by topic.
            builder.WithTopicFilter(f => f
                .WithTopic(filter)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithNoLocal(noLocal && version == MqttProtocolVersion.V500));
        }

        return builder.Build();
    }
}
