using System.Diagnostics;
using System.Globalization;

namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>
/// One or two faults at a time, healed before the next, chosen by a seeded random: a cable pulled
/// silently (bytes held back, sockets open), a cable pulled with every connection reset, an agent
/// killed with SIGKILL and restarted on its data, an agent frozen with SIGSTOP (a hung process,
/// its sockets open), the broker killed and restarted. The log says what happened when.
/// </summary>
public sealed class ChaosNemesis(FleetRig rig, Random random)
{
    /// <summary>Cable pulled silently, cable pulled with resets, SIGKILL and restart, SIGSTOP.</summary>
    private const int MemberFaults = 4;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _log = [];

    public IReadOnlyList<string> Log => _log;

    /// <summary>
    /// Faults until <paramref name="duration"/> has passed, healthy stretches of 0.5–1.5 s between
    /// them. One time in four, two members fail at once, in different ways, which leaves the third
    /// alone on a minority side.
    /// </summary>
    public async Task RunAsync(TimeSpan duration)
    {
        while (_clock.Elapsed < duration)
        {
            await Task.Delay(random.Next(500, 1500));
            var order = rig.Members.OrderBy(_ => random.Next()).ToList();
            var kind = random.Next(MemberFaults + 1); // the one past the member faults: the broker
            if (random.Next(4) == 0)
            {
                var kinds = Enumerable.Range(0, MemberFaults).OrderBy(_ => random.Next()).Take(2).ToList();
                await Task.WhenAll(FaultAsync(order[0], kinds[0], Hold()), FaultAsync(order[1], kinds[1], Hold()));
            }
            else if (kind < MemberFaults)
            {
                await FaultAsync(order[0], kind, Hold());
            }
            else
            {
                var hold = Hold();
                Note($"kill the broker, restart after {hold.TotalSeconds:0.0} s");
                await rig.Broker.KillAsync();
                await Task.Delay(hold);
                await rig.Broker.StartAsync();
            }

            Note("healed");
        }
    }

    private TimeSpan Hold() => TimeSpan.FromMilliseconds(random.Next(1500, 4000));

    private async Task FaultAsync(FleetMember member, int kind, TimeSpan hold)
    {
        switch (kind)
        {
            case 0 or 1:
                var hard = kind == 1;
                Note($"pull {member}'s cable {(hard ? "with resets" : "silently")} for {hold.TotalSeconds:0.0} s");
                member.Cable.Pull();
                if (hard)
                {
                    member.Cable.Cut();
                }

                await Task.Delay(hold);
                member.Cable.Plug();
                break;
            case 2:
                Note($"kill -9 {member}, restart after {hold.TotalSeconds:0.0} s");
                member.Agent.Kill();
                await Task.Delay(hold);
                await rig.RestartAsync(member);
                break;
            default:
                Note($"freeze {member} (SIGSTOP) for {hold.TotalSeconds:0.0} s");
                member.Agent.Child.Signal("STOP");
                await Task.Delay(hold);
                member.Agent.Child.Signal("CONT");
                break;
        }
    }

    private void Note(string what)
    {
        lock (_log)
        {
            _log.Add(string.Create(CultureInfo.InvariantCulture, $"{_clock.Elapsed.TotalSeconds:0.0} s: {what}"));
        }
    }
}
