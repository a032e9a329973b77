namespace EdgeSync.Agent.Mqtt;

/// <summary>Settings of one node's broker connection (config keys <c>Mqtt:*</c>, plus fleet and node id).</summary>
public sealed class MqttFleetOptions
{
    public required string Fleet { get; init; }

    /// <summary>Also the MQTT client id: a second client with the same id would take our session over.</summary>
    public required string NodeId { get; init; }

    /// <summary><c>Mqtt:Brokers</c>: tried in order, starting from the last one that worked.</summary>
    public required IReadOnlyList<BrokerEndpoint> Brokers { get; init; }

    public string? Username { get; init; }
    public string? Password { get; init; }

    /// <summary>Accept a TLS broker certificate that does not validate (test brokers with self-signed certs).</summary>
    public bool AllowUntrustedCertificates { get; init; }

    /// <summary><c>Mqtt:CaFile</c>: PEM CA the broker's certificate must chain to (else the system store).</summary>
    public string? CaFile { get; init; }

    /// <summary><c>Mqtt:CertFile</c>/<c>Mqtt:KeyFile</c>: PEM client certificate and key for brokers that ask for one.</summary>
    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }

    /// <summary>MQTT keep-alive; the broker publishes our last will after 1.5× this without traffic.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one connect attempt (TCP + CONNACK + SUBACK) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a QoS 1 publish may wait for its PUBACK before it counts as failed.</summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often we send our own probe through the broker.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the probe may take to come back before the link counts as dead.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>MQTT 5 session expiry: a short outage keeps our subscriptions and queued QoS 1 pushes.</summary>
    public TimeSpan SessionExpiry { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Larger incoming payloads are dropped and counted; larger outgoing ones are refused.</summary>
    public int MaxPayloadBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Capacity of the inbox channel between MQTTnet's receive loop and the consumer.</summary>
    public int InboxCapacity { get; init; } = 8192;

    /// <summary>Checks every value; returns one message per problem, naming the key.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!TopicScheme.IsValidSegment(Fleet))
            errors.Add($"Fleet:Name '{Fleet}' is invalid: use {Core.Clocks.NodeId.Rule}.");
        if (!Core.Clocks.NodeId.IsValid(NodeId))
            errors.Add($"Node:Id '{NodeId}' is invalid: use {Core.Clocks.NodeId.Rule}.");
        if (Brokers.Count == 0)
            errors.Add("Mqtt:Brokers is empty: give at least one mqtt://host:port.");
        if (KeepAlive < TimeSpan.FromSeconds(1) || KeepAlive > TimeSpan.FromHours(18))
            errors.Add("Mqtt:KeepAlive must be between 1 s and 18 h.");
        Positive(ConnectTimeout, "Mqtt:ConnectTimeout");
        Positive(PublishTimeout, "Mqtt:PublishTimeout");
        Positive(ProbeInterval, "Mqtt:ProbeInterval");
        Positive(ProbeTimeout, "Mqtt:ProbeTimeout");
        Positive(ReconnectMinDelay, "Mqtt:ReconnectMinDelay");
        if (ReconnectMaxDelay < ReconnectMinDelay)
            errors.Add("Mqtt:ReconnectMaxDelay must not be below Mqtt:ReconnectMinDelay.");
        if (MaxPayloadBytes < 1024)
            errors.Add("Mqtt:MaxPayloadBytes must be at least 1024.");
        if (InboxCapacity < 1)
            errors.Add("Mqtt:InboxCapacity must be at least 1.");
        return errors;

        void Positive(TimeSpan value, string key)
        {
            if (value <= TimeSpan.Zero)
                errors.Add($"{key} must be positive.");
        }
    }
}
