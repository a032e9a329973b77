namespace EdgeSync.Agent.Gpio;

/// <summary>One LED in /v1/status: lit right now, and its pattern name (<c>off</c>, <c>on</c>, <c>heartbeat</c>, <c>blink-slow</c>, <c>blink-fast</c>, <c>flash</c>).</summary>
public sealed record LedView(bool On, string Pattern);
