using System.Diagnostics;
using System.Globalization;

namespace EdgeSync.Agent.Emulation;

/// <summary>
/// The emulator without a dashboard: runs script lines against the fleet and prints one line per
/// event and per result. Every wait/expect that times out and every command that fails counts
/// as a failure; the exit code is 0 only when there were none.
/// </summary>
public sealed class ScriptRunner(EmulatedFleet fleet, NodeWriter writer, TextWriter output)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private readonly Lock _out = new();
    private readonly ScriptParser _parser = new(fleet.Nodes.Count);
    private EmulatedNode? _last;

    public int Failures { get; private set; }

    /// <summary>Runs lines until the end of input or <c>quit</c>; returns the number of failures.</summary>
    public async Task<int> RunAsync(IAsyncEnumerable<string> lines, CancellationToken cancel)
    {
        using var stopEvents = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var events = Task.Run(() => PrintEventsAsync(stopEvents.Token), CancellationToken.None);
        var number = 0;
        try
        {
            await foreach (var line in lines.WithCancellation(cancel))
            {
                number++;
                if (!_parser.TryParse(line, out var command, out var error))
                {
                    Fail($"line {number}: {error}");
                    continue;
                }

                if (command is null)
                {
                    continue;
                }

                if (command.Verb == ScriptVerb.Quit)
                {
                    break;
                }

                try
                {
                    await ExecuteAsync(command, cancel);
                }
                catch (InvalidOperationException e)
                {
                    Fail($"{command.Text}: {e.Message}");
                }
                catch (HttpRequestException e)
                {
                    Fail($"{command.Text}: {e.Message}");
                }
            }
        }
        finally
        {
            // Let the last events reach the output before the summary.
            await Task.Delay(100, CancellationToken.None);
            await stopEvents.CancelAsync();
            await events;
        }

        Say(Failures == 0 ? "done: all checks passed" : $"done: {Failures} failure(s)");
        return Failures;
    }

    /// <summary>Parses every line first, so a typo in a CI script fails before the fleet starts.</summary>
    public static IReadOnlyList<string> Check(IReadOnlyList<string> lines, int nodes)
    {
        var parser = new ScriptParser(nodes);
        var errors = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (!parser.TryParse(lines[i], out _, out var error))
            {
                errors.Add($"line {i + 1}: {error}");
            }
        }

        return errors;
    }

    private async Task ExecuteAsync(ScriptCommand c, CancellationToken cancel)
    {
        switch (c.Verb)
        {
            case ScriptVerb.Pull:
                fleet.Pull(Resolve(c.Node!, remember: true));
                Ok(c);
                break;
            case ScriptVerb.Plug:
                fleet.Plug(Resolve(c.Node!, remember: true));
                Ok(c);
                break;
            case ScriptVerb.Kill:
                await fleet.KillAsync(Resolve(c.Node!, remember: true));
                Ok(c);
                break;
            case ScriptVerb.Start:
                await fleet.StartNodeAsync(Resolve(c.Node!, remember: true), cancel);
                Ok(c);
                break;
            case ScriptVerb.Write:
                var node = Resolve(c.Node!);
                await writer.WriteAsync(node, c.Key!, c.Json!, cancel);
                Say($"ok   write {node.Id} {c.Key} = {c.Json}");
                break;
            case ScriptVerb.Increment:
                var target = Resolve(c.Node!);
                var value = await writer.IncrementAsync(target, cancel);
                Say($"ok   inc {target.Id} demo/counter/{target.Id} = {value}");
                break;
            case ScriptVerb.StepDown:
                var asked = fleet.StepDown();
                _last = fleet.Nodes.First(n => n.Id == asked); // so `expect leader-not @last` can follow
                Say($"ok   stepdown (asked {asked})");
                break;
            case ScriptVerb.Status:
                var snapshots = fleet.Snapshot();
                var target2 = EmulatedFleet.FleetVector(snapshots.Where(s => s.Running));
                foreach (var s in snapshots)
                {
                    Say("status " + StatusLine(s, target2));
                }

                break;
            case ScriptVerb.Sleep:
                await Task.Delay(c.Timeout, cancel);
                break;
            case ScriptVerb.WaitLeader:
                await CheckAsync(c, s => EmulatedFleet.AgreedLeader(s) is { } l ? $"{l} (term {s.First(n => n.Id == l).Term})" : null, cancel);
                break;
            case ScriptVerb.WaitConverged:
                await CheckAsync(c, s => EmulatedFleet.Converged(s) ? $"{s.First(n => n.Running).Keys} keys on every running node" : null, cancel);
                break;
            case ScriptVerb.ExpectPartition:
                var watched = Resolve(c.Node!);
                await CheckAsync(c, s => c.States.Contains(s[watched.Index - 1].Partition) ? $"{watched.Id} is {s[watched.Index - 1].Partition}" : null, cancel, s => $"{watched.Id} is {s[watched.Index - 1].Partition}");
                break;
            case ScriptVerb.ExpectLeaderNot:
                var old = Resolve(c.Node!);
                await CheckAsync(c, s => EmulatedFleet.AgreedLeader(s) is { } l && l != old.Id ? $"leader is {l}" : null, cancel, s => $"leaders: {string.Join(",", s.Where(n => n.IsLeader).Select(n => n.Id).DefaultIfEmpty("none"))}");
                break;
            default:
                throw new InvalidOperationException($"unhandled command {c.Verb}");
        }
    }

    /// <summary>Polls the fleet until <paramref name="pass"/> gives a description, or the timeout.</summary>
    private async Task CheckAsync(ScriptCommand c, Func<IReadOnlyList<NodeSnapshot>, string?> pass, CancellationToken cancel, Func<IReadOnlyList<NodeSnapshot>, string>? why = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var snapshots = fleet.Snapshot();
            if (pass(snapshots) is { } ok)
            {
                Say($"PASS {c.Text}: {ok} after {clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
                return;
            }

            if (clock.Elapsed > c.Timeout)
            {
                Fail($"{c.Text}: not within {c.Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s{(why is null ? "" : " (" + why(snapshots) + ")")}");
                return;
            }

            await Task.Delay(Poll, cancel);
        }
    }

    /// <summary>Pull, plug, kill and start remember their node as <c>@last</c> (stepdown the leader it asked); writes and checks do not.</summary>
    private EmulatedNode Resolve(string node, bool remember = false)
    {
        EmulatedNode resolved;
        if (node == "@last")
        {
            resolved = _last ?? throw new InvalidOperationException("@last: no node command ran yet");
        }
        else if (node == "@leader")
        {
            var leader = fleet.Snapshot().FirstOrDefault(s => s.IsLeader) ?? throw new InvalidOperationException("@leader: there is no leader right now");
            resolved = fleet.Node(leader.Index);
        }
        else
        {
            resolved = fleet.Node(int.Parse(node.AsSpan(1), CultureInfo.InvariantCulture));
        }

        if (remember)
        {
            _last = resolved;
        }

        return resolved;
    }

    public static string StatusLine(NodeSnapshot s, Core.Clocks.VersionVector fleetVector)
    {
        var leds = s.Leds is { } l ? $"status:{l.Status.Pattern},leader:{l.Leader.Pattern},partition:{l.Partition.Pattern},activity:{l.Activity.Pattern}" : "dark";
        return string.Create(CultureInfo.InvariantCulture,
            $"{s.Id} {(s.Running ? "up" : "down")} role={s.Role} leader={s.Leader ?? "none"} term={s.Term} partition={s.Partition} keys={s.Keys} lag={s.LagBehind(fleetVector)} cable={(s.CablePulled ? "pulled" : "plugged")} leds={leds}");
    }

    private void Ok(ScriptCommand c) => Say($"ok   {c.Text}");

    private void Fail(string text)
    {
        Failures++;
        Say($"FAIL {text}");
    }

    private void Say(string text)
    {
        lock (_out)
        {
            // Events that happened before this result are printed first, so the output reads in order.
            while (fleet.Events.Reader.TryRead(out var e))
            {
                PrintEvent(e);
            }

            output.WriteLine($"[{fleet.Events.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture),8}] {text}");
            output.Flush();
        }
    }

    private void PrintEvent(FleetEvent e) =>
        output.WriteLine($"[{e.At.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture),8}] event {e.Text}");

    private async Task PrintEventsAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var e in fleet.Events.Reader.ReadAllAsync(stop))
            {
                lock (_out)
                {
                    PrintEvent(e);
                    output.Flush();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Done.
        }
    }
}
