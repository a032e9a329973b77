using EdgeSync.Agent.Hosting;

namespace EdgeSync.Agent.Http;

/// <summary>Checks every kv request passes before touching the store: reachable level, covered session.</summary>
public sealed class RequestGate(IConsistencyCoordinator coordinator, SessionGate sessions)
{
    public IConsistencyCoordinator Coordinator => coordinator;

    public async Task PrepareAsync(HttpContext ctx, RequestOptions opts)
    {
        if (!coordinator.CanReach(opts.Consistency))
        {
            throw QuorumUnavailable(opts.Consistency, coordinator);
        }

        await sessions.WaitCoveredAsync(opts.Session, opts.Timeout, ctx.RequestAborted);
    }

    /// <summary>Refused before touching the store: nothing was read or written.</summary>
    public static ApiException QuorumUnavailable(ConsistencyLevel level, IConsistencyCoordinator coordinator) => new(
        StatusCodes.Status503ServiceUnavailable,
        ErrorCodes.QuorumUnavailable,
        $"Not enough fleet members are reachable for consistency={RequestOptions.Name(level)}: it needs {coordinator.Needed(level)} of {coordinator.Members}, {coordinator.Reachable} reachable; nothing was done (consistency=one is available).");
}
