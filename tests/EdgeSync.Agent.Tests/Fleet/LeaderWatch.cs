using System.Diagnostics;
using System.Text.Json.Nodes;

namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>
/// Polls /v1/status of every node about every 50 ms for the whole test and keeps every answer, so that
/// leadership claims can be checked for overlap afterwards (<see cref="LeaderOverlap"/>).
/// </summary>
public sealed class LeaderWatch : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(50);
    private readonly List<StatusSample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LeaderWatch(IReadOnlyList<FleetMember> members)
    {
        _loop = Task.WhenAll(members.Select(m => Task.Run(() => PollAsync(m))));
    }

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public IReadOnlyList<StatusSample> Samples
    {
        get
        {
            lock (_samples)
                return [.. _samples];
        }
    }

    public async Task<IReadOnlyList<StatusSample>> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        return Samples;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
            await StopAsync();
        _stop.Dispose();
    }

    private async Task PollAsync(FleetMember member)
    {
        using var http = new HttpClient { BaseAddress = member.Agent.Url, Timeout = TimeSpan.FromSeconds(5) };
        using var timer = new PeriodicTimer(Period);
        do
        {
            var sent = Clock.Elapsed.TotalMilliseconds;
            try
            {
                var status = JsonNode.Parse(await http.GetStringAsync("v1/status", _stop.Token))!;
                var received = Clock.Elapsed.TotalMilliseconds;
                var sample = new StatusSample(member.Id, sent, received, (string)status["role"]!, (long)status["term"]!, (string)status["partition"]!);
                lock (_samples)
                    _samples.Add(sample);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // A missed poll only leaves a gap; the overlap check never assumes anything about gaps.
            }
        }
        while (await Next(timer));
    }

    private async Task<bool> Next(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
