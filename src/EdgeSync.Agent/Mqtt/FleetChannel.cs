namespace EdgeSync.Agent.Mqtt;

/// <summary>What a topic under <c>edgesync/{fleet}/</c> is for; one value per topic family.</summary>
public enum FleetChannel
{
    /// <summary><c>push/{from}</c>: a node's fresh writes, QoS 1, every peer subscribes <c>push/+</c>.</summary>
    Push,

    /// <summary><c>to/{target}/{kind}/{from}</c>: a message for one node (anti-entropy request/response, votes).</summary>
    Direct,

    /// <summary><c>presence/{node}</c>: retained online/offline JSON; the last will says offline.</summary>
    Presence,

    /// <summary><c>heartbeat/{from}</c>: failure-detector heartbeats, QoS 0.</summary>
    Heartbeat,

    /// <summary><c>election/{from}</c>: broadcast election traffic (vote requests, leader lease renewals).</summary>
    Election,

    /// <summary><c>stable</c>: retained tombstone-GC watermark published by the leader.</summary>
    Stable,

    /// <summary><c>probe/{node}</c>: a node's own liveness probe, which it expects back from the broker.</summary>
    Probe,
}
