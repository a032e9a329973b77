using System.Diagnostics;
using System.Globalization;

namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>
/// One fault at a time, each healed before the next, chosen by a seeded random: a cable pulled
/// silently (bytes held back, sockets open), a cable pulled with every connection reset, an agent
/// killed with SIGKILL and restarted on its data, an agent frozen with SIGSTOP (a hung process,
/// its sockets open), the broker killed and restarted. The log says what happened when.
/// </summary>
public sealed class ChaosNemesis(FleetRig rig, Random random)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _log = [];

    public IReadOnlyList<string> Log => _log;

    /// <summary>Faults until <paramref name="duration"/> has passed, healthy stretches of 0.5–1.5 s between them.</summary>
    public async Task RunAsync(TimeSpan duration)
    {
        while (_clock.Elapsed < duration)
        {
            await Task.Delay(random.Next(500, 1500));
            var member = rig.Members[random.Next(rig.Members.Count)];
            var hold = TimeSpan.FromMilliseconds(random.Next(1500, 4000));
            switch (random.Next(5))
            {
                case 0:
                    Note($"pull {member}'s cable silently for {hold.TotalSeconds:0.0} s");
                    member.Cable.Pull();
                    await Task.Delay(hold);
                    member.Cable.Plug();
                    break;
                case 1:
                    Note($"pull {member}'s cable with resets for {hold.TotalSeconds:0.0} s");
                    member.Cable.Pull();
                    member.Cable.Cut();
                    await Task.Delay(hold);
                    member.Cable.Plug();
                    break;
                case 2:
                    Note($"kill -9 {member}, restart after {hold.TotalSeconds:0.0} s");
                    member.Agent.Kill();
                    await Task.Delay(hold);
                    await rig.RestartAsync(member);
                    break;
                case 3:
                    Note($"freeze {member} (SIGSTOP) for {hold.TotalSeconds:0.0} s");
                    member.Agent.Child.Signal("STOP");
                    await Task.Delay(hold);
                    member.Agent.Child.Signal("CONT");
                    break;
                default:
                    Note($"kill the broker, restart after {hold.TotalSeconds:0.0} s");
                    await rig.Broker.KillAsync();
                    await Task.Delay(hold);
                    await rig.Broker.StartAsync();
                    break;
            }

            Note("healed");
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
