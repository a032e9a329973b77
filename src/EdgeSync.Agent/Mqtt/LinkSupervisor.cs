using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace EdgeSync.Agent.Mqtt;

/// <summary>
/// Application-level liveness of one broker link. MQTT keep-alive only pings when we send nothing, so a
/// node that publishes often may not notice a dead link for minutes (MQTTnet #2244). Instead, every
/// <see cref="MqttFleetOptions.ProbeInterval"/> we publish a probe to our own topic and expect it back
/// within <see cref="MqttFleetOptions.ProbeTimeout"/>. Any other message arriving meanwhile also proves the
/// link alive, so a probe queued behind a burst of pushes does not tear down a busy but healthy link.
/// </summary>
internal sealed class LinkSupervisor(MqttFleetOptions options, TimeProvider time, MqttTransportStats stats, string probeTopic, ILogger log)
{
    private volatile ProbeWaiter? _probe;
    private long _probeSeq;
    private long _lastInbound;

    /// <summary>Called from the receive loop for our own probe coming back.</summary>
    public void ProbeEchoed(long seq)
    {
        var probe = _probe;
        if (probe is not null && probe.Seq == seq)
            probe.Echo.TrySetResult();
    }

    /// <summary>Called from the receive loop for every message: cheap, one store.</summary>
    public void Inbound() => Volatile.Write(ref _lastInbound, time.GetTimestamp());

    /// <summary>Probes until the link fails; returns why. <paramref name="healthy"/> runs after each good probe.</summary>
    public async Task<string> SuperviseAsync(IMqttClient client, Task<string> lost, Action healthy, CancellationToken ct)
    {
        while (true)
        {
            using (var tick = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                var wait = Task.Delay(options.ProbeInterval, time, tick.Token);
                if (await Task.WhenAny(wait, lost).ConfigureAwait(false) == lost)
                    return await lost.ConfigureAwait(false);
                await tick.CancelAsync().ConfigureAwait(false);
                await wait.ConfigureAwait(false); // throws when stopping
            }

            log.LogTrace("MQTT probe {Seq}", _probeSeq + 1);
            var probe = new ProbeWaiter(Interlocked.Increment(ref _probeSeq));
            _probe = probe;
            var payload = ProbePayload(probe.Seq);
            var started = time.GetTimestamp();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var timer = Task.Delay(options.ProbeTimeout, time, deadline.Token);
            try
            {
                var message = new MqttApplicationMessageBuilder().WithTopic(probeTopic).WithPayload(payload).Build();
                await client.PublishAsync(message, deadline.Token).WaitAsync(options.ProbeTimeout, time, ct).ConfigureAwait(false);
                stats.Sent(FleetChannel.Probe, payload.Length);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && ex is not OutOfMemoryException)
            {
                stats.LivenessFailed();
                return $"probe publish failed: {ex.Message}";
            }

            var done = await Task.WhenAny(probe.Echo.Task, timer, lost).ConfigureAwait(false);
            await deadline.CancelAsync().ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            if (done == lost)
                return await lost.ConfigureAwait(false);
            if (done == timer && Volatile.Read(ref _lastInbound) <= started)
            {
                stats.LivenessFailed();
                return $"probe not back within {options.ProbeTimeout.TotalMilliseconds:0} ms and nothing else arrived";
            }

            if (done != timer)
                stats.ProbeRoundTrip(time.GetElapsedTime(started));
            healthy();
        }
    }

    /// <summary>The probe's sequence number as decimal text, so <c>mosquitto_sub</c> shows it readably.</summary>
    public static byte[] ProbePayload(long seq) => Encoding.ASCII.GetBytes(seq.ToString(CultureInfo.InvariantCulture));

    private sealed class ProbeWaiter(long seq)
    {
        public long Seq { get; } = seq;
        public TaskCompletionSource Echo { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
