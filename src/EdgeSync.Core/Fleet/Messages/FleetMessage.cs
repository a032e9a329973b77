namespace EdgeSync.Core.Fleet.Messages;

/// <summary>A membership or election message. Every message names its sender.</summary>
public abstract record FleetMessage(string From);
