namespace EdgeSync.Agent.Mqtt;

/// <summary>Why a message was dropped by the transport (a label of the dropped-messages metric).</summary>
public enum DropReason
{
    /// <summary>Incoming payload larger than <c>Mqtt:MaxPayloadBytes</c>.</summary>
    Oversized,

    /// <summary>Incoming topic not of this fleet's scheme (bad level count, bad node id, unknown channel).</summary>
    MalformedTopic,

    /// <summary>Incoming presence whose JSON is not what we publish.</summary>
    MalformedPayload,

    /// <summary>Incoming directed message addressed to another node, or one claiming to be from us.</summary>
    Misaddressed,

    /// <summary>Incoming message while the inbox channel was full (the consumer is behind).</summary>
    InboxFull,

    /// <summary>Outgoing message while no broker connection was up.</summary>
    NotConnected,

    /// <summary>Outgoing message the broker did not acknowledge in time or refused.</summary>
    PublishFailed,

    /// <summary>Outgoing payload larger than <c>Mqtt:MaxPayloadBytes</c>.</summary>
    OutgoingOversized,
}
