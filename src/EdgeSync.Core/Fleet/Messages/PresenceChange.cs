namespace EdgeSync.Core.Fleet.Messages;

/// <summary>A peer went online or offline, as the broker's retained presence / last will says.</summary>
public sealed record PresenceChange(string From, bool Online) : FleetMessage(From);
