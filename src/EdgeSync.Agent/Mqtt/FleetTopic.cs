namespace EdgeSync.Agent.Mqtt;

/// <summary>A parsed fleet topic. <see cref="From"/> is the sender named in the topic (null for
/// leader/stable, whose sender is in the payload); <see cref="Target"/> and <see cref="Kind"/> are
/// set for directed messages only.</summary>
public readonly record struct FleetTopic(FleetChannel Channel, string? From, string? Target = null, string? Kind = null);
