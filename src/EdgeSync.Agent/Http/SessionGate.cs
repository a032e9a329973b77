using EdgeSync.Agent.Config;
using EdgeSync.Agent.Hosting;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Clocks;

namespace EdgeSync.Agent.Http;

/// <summary>
/// Session guarantees (SPEC §5): a request that presents a token is served only once this
/// replica has applied every update in it, so a client never reads older data than it wrote
/// or saw, even when it moves between nodes.
/// </summary>
public sealed class SessionGate(ReplicaService store, AppliedSignal signal, TimeProvider time)
{
    // A fallback re-check: coverage can also grow through anti-entropy without a change event.
    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(50);

    public async Task WaitCoveredAsync(DotSet token, TimeSpan timeout, CancellationToken cancel)
    {
        if (token.IsEmpty)
        {
            return;
        }

        var deadline = time.GetTimestamp() + (long)(timeout.TotalSeconds * time.TimestampFrequency);
        while (true)
        {
            var next = signal.Next;
            if (store.Read(r => r.Applied.ContainsAll(token)))
            {
                return;
            }

            var left = deadline - time.GetTimestamp();
            if (left <= 0)
            {
                throw new ApiException(
                    StatusCodes.Status409Conflict,
                    ErrorCodes.SessionNotCovered,
                    $"This node has not yet applied every update in the session token (waited {DurationText.Format(timeout)}); retry, or ask the node the session came from.");
            }

            var wait = TimeSpan.FromSeconds(Math.Min((double)left / time.TimestampFrequency, Recheck.TotalSeconds));
            await Task.WhenAny(next, Task.Delay(wait, time, cancel));
            cancel.ThrowIfCancellationRequested();
        }
    }
}
