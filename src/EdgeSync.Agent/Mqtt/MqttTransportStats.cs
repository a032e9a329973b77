namespace EdgeSync.Agent.Mqtt;

/// <summary>
/// Lock-free counters of the MQTT transport, read by the host for <c>/metrics</c>. Counts only move up
/// (Prometheus counters); <see cref="LastProbeRoundTrip"/> is a gauge.
/// </summary>
public sealed class MqttTransportStats
{
    private static readonly int ChannelCount = Enum.GetValues<FleetChannel>().Length;
    private static readonly int ReasonCount = Enum.GetValues<DropReason>().Length;

    private readonly long[] _sentMessages = new long[ChannelCount];
    private readonly long[] _sentBytes = new long[ChannelCount];
    private readonly long[] _receivedMessages = new long[ChannelCount];
    private readonly long[] _receivedBytes = new long[ChannelCount];
    private readonly long[] _dropped = new long[ReasonCount];
    private long _connects;
    private long _connectFailures;
    private long _disconnects;
    private long _livenessFailures;
    private long _protocolFallbacks;
    private long _ownEchoes;
    private long _lastProbeTicks;

    public long SentMessages(FleetChannel channel) => Interlocked.Read(ref _sentMessages[(int)channel]);
    public long SentBytes(FleetChannel channel) => Interlocked.Read(ref _sentBytes[(int)channel]);
    public long ReceivedMessages(FleetChannel channel) => Interlocked.Read(ref _receivedMessages[(int)channel]);
    public long ReceivedBytes(FleetChannel channel) => Interlocked.Read(ref _receivedBytes[(int)channel]);
    public long Dropped(DropReason reason) => Interlocked.Read(ref _dropped[(int)reason]);
    public long DroppedTotal => _dropped.Sum(d => Interlocked.Read(ref d));

    /// <summary>Successful CONNACKs.</summary>
    public long Connects => Interlocked.Read(ref _connects);

    /// <summary>Connection attempts that failed (refused, unreachable, timed out).</summary>
    public long ConnectFailures => Interlocked.Read(ref _connectFailures);

    /// <summary>Established connections that ended for any reason.</summary>
    public long Disconnects => Interlocked.Read(ref _disconnects);

    /// <summary>Connections torn down because our own probe did not come back in time.</summary>
    public long LivenessFailures => Interlocked.Read(ref _livenessFailures);

    /// <summary>Times a broker refused MQTT 5 and we retried with 3.1.1.</summary>
    public long ProtocolFallbacks => Interlocked.Read(ref _protocolFallbacks);

    /// <summary>Our own broadcasts echoed back by a 3.1.1 broker (ignored, not an error).</summary>
    public long OwnEchoes => Interlocked.Read(ref _ownEchoes);

    /// <summary>Round trip of the last successful liveness probe through the broker.</summary>
    public TimeSpan LastProbeRoundTrip => TimeSpan.FromTicks(Interlocked.Read(ref _lastProbeTicks));

    /// <summary>One line for logs and test failures.</summary>
    public override string ToString() =>
        $"connects={Connects} failures={ConnectFailures} disconnects={Disconnects} liveness={LivenessFailures} fallbacks={ProtocolFallbacks} echoes={OwnEchoes} "
        + string.Join(' ', Enum.GetValues<FleetChannel>().Select(c => $"{c}:out={SentMessages(c)}/in={ReceivedMessages(c)}"))
        + " dropped:" + string.Join(',', Enum.GetValues<DropReason>().Select(r => $"{r}={Dropped(r)}"));

    internal void Sent(FleetChannel channel, int bytes)
    {
        Interlocked.Increment(ref _sentMessages[(int)channel]);
        Interlocked.Add(ref _sentBytes[(int)channel], bytes);
    }

    internal void Received(FleetChannel channel, int bytes)
    {
        Interlocked.Increment(ref _receivedMessages[(int)channel]);
        Interlocked.Add(ref _receivedBytes[(int)channel], bytes);
    }

    internal void Drop(DropReason reason) => Interlocked.Increment(ref _dropped[(int)reason]);
    internal void Connected() => Interlocked.Increment(ref _connects);
    internal void ConnectFailed() => Interlocked.Increment(ref _connectFailures);
    internal void Disconnected() => Interlocked.Increment(ref _disconnects);
    internal void LivenessFailed() => Interlocked.Increment(ref _livenessFailures);
    internal void FellBack() => Interlocked.Increment(ref _protocolFallbacks);
    internal void OwnEcho() => Interlocked.Increment(ref _ownEchoes);
    internal void ProbeRoundTrip(TimeSpan rtt) => Interlocked.Exchange(ref _lastProbeTicks, rtt.Ticks);
}
