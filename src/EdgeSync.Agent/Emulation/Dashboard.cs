using Spectre.Console;

namespace EdgeSync.Agent.Emulation;

/// <summary>
/// The interactive emulator: redraws <see cref="DashboardView"/> ten times a second and reads
/// single keys. Slow actions (kill, restart, write) run in the background so the LEDs keep
/// blinking; their outcome lands in the events pane.
/// </summary>
public sealed class Dashboard(EmulatedFleet fleet, NodeWriter writer, string fleetName)
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<int, long> _flashes = [];
    private int _selected = 1;
    private volatile string? _busy;
    private Task _action = Task.CompletedTask;

    public async Task RunAsync(CancellationToken cancel)
    {
        await AnsiConsole.Live(Render()).AutoClear(false).StartAsync(async ctx =>
        {
            while (!cancel.IsCancellationRequested)
            {
                while (Console.KeyAvailable)
                {
                    if (!Handle(Console.ReadKey(intercept: true), cancel))
                    {
                        return;
                    }
                }

                ctx.UpdateTarget(Render());
                ctx.Refresh();
                try
                {
                    await Task.Delay(Frame, cancel);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });

        await _action.ConfigureAwait(false);
    }

    private Spectre.Console.Rendering.IRenderable Render()
    {
        var nodes = fleet.Snapshot();
        var flashed = new HashSet<int>();
        foreach (var n in nodes)
        {
            if (_flashes.TryGetValue(n.Index, out var before) && n.ActivityFlashes > before)
            {
                flashed.Add(n.Index);
            }

            _flashes[n.Index] = n.ActivityFlashes;
        }

        return DashboardView.Render(nodes, fleet.Events.Last(12), _selected, fleetName, fleet.BrokerPort, _busy, flashed);
    }

    /// <summary>Returns false on quit.</summary>
    private bool Handle(ConsoleKeyInfo key, CancellationToken cancel)
    {
        var c = char.ToLowerInvariant(key.KeyChar);
        if (c is >= '1' and <= '9' && c - '0' <= fleet.Nodes.Count)
        {
            _selected = c - '0';
            return true;
        }

        if (key.Key is ConsoleKey.DownArrow or ConsoleKey.Tab)
        {
            _selected = (_selected % fleet.Nodes.Count) + 1;
            return true;
        }

        if (key.Key == ConsoleKey.UpArrow)
        {
            _selected = ((_selected + fleet.Nodes.Count - 2) % fleet.Nodes.Count) + 1;
            return true;
        }

        var node = fleet.Node(_selected);
        switch (c)
        {
            case 'q':
                return false;
            case 'p':
                if (node.Cable.IsPulled)
                {
                    fleet.Plug(node);
                }
                else
                {
                    fleet.Pull(node);
                }

                break;
            case 'k':
                Run(node.Running ? $"killing {node.Id}" : $"starting {node.Id}", () => node.Running ? fleet.KillAsync(node) : fleet.StartNodeAsync(node, cancel));
                break;
            case 'w':
                Run($"writing on {node.Id}", async () =>
                {
                    var value = await writer.IncrementAsync(node, cancel);
                    fleet.Events.Add($"{node.Id} wrote demo/counter/{node.Id} = {value}");
                });
                break;
            case 's':
                Run("step down", () =>
                {
                    fleet.StepDown();
                    return Task.CompletedTask;
                });
                break;
        }

        return true;
    }

    /// <summary>One slow action at a time; a key pressed meanwhile is ignored with a note.</summary>
    private void Run(string what, Func<Task> action)
    {
        if (!_action.IsCompleted)
        {
            fleet.Events.Add($"busy ({_busy}); '{what}' ignored");
            return;
        }

        _busy = what;
        _action = Task.Run(async () =>
        {
            try
            {
                await action();
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException or OperationCanceledException)
            {
                fleet.Events.Add($"{what} failed: {e.Message}");
            }
            finally
            {
                _busy = null;
            }
        });
    }
}
