namespace EdgeSync.Core.Fleet.Messages;

/// <summary>Asks the current leader to step down (the demo button's long press).</summary>
public sealed record StepDownRequest(string From) : FleetMessage(From);
