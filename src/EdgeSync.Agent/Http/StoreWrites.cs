using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Http;

/// <summary>A write through the group-commit writer, for an HTTP request: a store that refuses it is a 503.</summary>
public static class StoreWrites
{
    /// <param name="answerInline">See <see cref="ReplicaService.WriteAsync{T}(Func{Replica, T}, bool)"/>.</param>
    public static async Task<T> WriteAsync<T>(ReplicaService store, Func<Replica, T> operation, bool answerInline = false)
    {
        try
        {
            return await store.WriteAsync(operation, answerInline);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or IOException or UnauthorizedAccessException)
        {
            // IOException: this very batch could not reach the disk (the store fails with it).
            throw new ApiException(StatusCodes.Status503ServiceUnavailable, ErrorCodes.StoreUnavailable, "The store is not accepting writes (it failed or the agent is stopping).");
        }
    }
}
