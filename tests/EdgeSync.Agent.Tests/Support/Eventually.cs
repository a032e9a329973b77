using System.Diagnostics;
using System.Threading.Channels;

namespace EdgeSync.Agent.Tests.Support;

/// <summary>Waiting for conditions with deadlines, never for fixed times.</summary>
public static class Eventually
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(15);

    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null, Func<string>? details = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? Default;
        while (!condition())
        {
            if (clock.Elapsed > limit)
                throw new TimeoutException($"not within {limit.TotalSeconds:0.#} s: {what} {details?.Invoke()}");
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// The same for a condition that has to ask something (an HTTP endpoint, a file). <paramref name="poll"/>
    /// spaces the questions (10 ms unless given), for a target that is slow to answer, e.g. under emulation.
    /// </summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<Task<string>>? details = null, TimeSpan? poll = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? Default;
        while (!await condition())
        {
            if (clock.Elapsed > limit)
                throw new TimeoutException($"not within {limit.TotalSeconds:0.#} s: {what} {(details is null ? string.Empty : await details())}");
            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(10));
        }
    }

    /// <summary>Reads until an item matches; items that do not match are skipped.</summary>
    public static async Task<T> ReadAsync<T>(ChannelReader<T> reader, Func<T, bool> match, string what, TimeSpan? timeout = null, Func<string>? details = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Default);
        try
        {
            while (true)
            {
                var item = await reader.ReadAsync(cts.Token);
                if (match(item))
                    return item;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"not within {(timeout ?? Default).TotalSeconds:0.#} s: {what} {details?.Invoke()}");
        }
    }
}
