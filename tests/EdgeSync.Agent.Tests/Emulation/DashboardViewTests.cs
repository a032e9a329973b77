using EdgeSync.Agent.Emulation;
using EdgeSync.Agent.Gpio;
using EdgeSync.Core.Clocks;
using Spectre.Console;

namespace EdgeSync.Agent.Tests.Emulation;

/// <summary>One dashboard frame rendered to text: the states a user must be able to read off it.</summary>
public sealed class DashboardViewTests
{
    [Fact]
    public void A_frame_shows_roles_partition_cable_lag_and_led_states()
    {
        var vv2 = VersionVector.Parse("n1:2");
        var vv1 = VersionVector.Parse("n1:1");
        NodeSnapshot[] nodes =
        [
            Node(1, "leader", "degraded", vv2, pulled: false, Leds(status: true, leader: "on", partition: ("blink-slow", false))),
            Node(2, "follower", "isolated", vv1, pulled: true, Leds(status: true, leader: "off", partition: ("blink-fast", true))),
            new NodeSnapshot("n3", 3, 7073, false, false, "down", null, 0, "-", 1, vv1, 0, null, null),
        ];
        var text = Render(nodes, [new FleetEvent(TimeSpan.FromSeconds(3.5), "n2 cable pulled")]);

        var n1 = Line(text, "n1");
        Assert.Contains("leader", n1, StringComparison.Ordinal);
        Assert.Contains("degraded", n1, StringComparison.Ordinal);
        Assert.Contains("plugged", n1, StringComparison.Ordinal);
        Assert.Contains("● ● ◌ ○", n1, StringComparison.Ordinal); // status lit, leader solid, partition blinking (dark now), activity off

        var n2 = Line(text, "n2");
        Assert.Contains("isolated", n2, StringComparison.Ordinal);
        Assert.Contains("pulled", n2, StringComparison.Ordinal);
        Assert.Contains("● ○ ● ○", n2, StringComparison.Ordinal);
        Assert.Matches(@"│\s+1\s+│\s+1\s+│\s+1\.0 s", n2); // keys 1, lag 1 (n1's second write), last seen 1 s

        var n3 = Line(text, "n3");
        Assert.Contains("DOWN", n3, StringComparison.Ordinal);
        Assert.Contains("○ ○ ○ ○", n3, StringComparison.Ordinal);

        Assert.Contains("[  3.500] n2 cable pulled", text, StringComparison.Ordinal);
        Assert.Contains("q quit", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flash_between_frames_lights_the_activity_led()
    {
        var node = Node(1, "follower", "healthy", VersionVector.Empty, pulled: false, Leds(status: false, leader: "off", partition: ("off", false)));
        Assert.Contains("◌ ○ ○ ○", Line(Render([node], []), "n1"), StringComparison.Ordinal);
        Assert.Contains("◌ ○ ○ ●", Line(Render([node], [], flashed: new HashSet<int> { 1 }), "n1"), StringComparison.Ordinal);
    }

    private static NodeSnapshot Node(int k, string role, string partition, VersionVector vv, bool pulled, LedsView leds) =>
        new($"n{k}", k, 7070 + k, true, pulled, role, role == "leader" ? $"n{k}" : null, 2, partition, vv.Entries.Values.Sum() > 1 ? 2 : 1, vv, 0, leds, 1000);

    private static LedsView Leds(bool status, string leader, (string Pattern, bool On) partition) =>
        new("virtual", new LedView(status, "heartbeat"), new LedView(leader == "on", leader), new LedView(partition.On, partition.Pattern), new LedView(false, "off"));

    private static string Render(IReadOnlyList<NodeSnapshot> nodes, IReadOnlyList<FleetEvent> events, IReadOnlySet<int>? flashed = null)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 120;
        console.Write(DashboardView.Render(nodes, events, 1, "test", 1883, null, flashed));
        return writer.ToString();
    }

    private static string Line(string text, string node) =>
        text.Split('\n').Single(l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^│ [ >]{node} "));
}
