using EdgeSync.Agent.Gpio;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace EdgeSync.Agent.Emulation;

/// <summary>
/// Renders one frame of the dashboard: a row per node with its four virtual LEDs in colour
/// (status green, leader yellow, partition red, activity blue; ● lit, ◌ blinking but dark this instant, ○ off), then the
/// recent events and the keys. Pure: the same snapshots give the same frame.
/// </summary>
public static class DashboardView
{
    public const string Legend = "LEDs: [green]S[/]tatus [yellow]L[/]eader [red]P[/]artition [blue]A[/]ctivity — ● lit, ◌ blinking (dark right now), ○ off";

    public const string Keys = "[bold]1-9[/] select  [bold]p[/] pull/plug cable  [bold]k[/] kill/restart  [bold]w[/] write demo/counter  [bold]s[/] leader step down  [bold]q[/] quit";

    /// <param name="flashed">Nodes whose activity LED flashed since the previous frame: shown lit for this frame.</param>
    public static IRenderable Render(IReadOnlyList<NodeSnapshot> nodes, IReadOnlyList<FleetEvent> events, int selected, string fleetName, int brokerPort, string? busy, IReadOnlySet<int>? flashed = null)
    {
        var target = EmulatedFleet.FleetVector(nodes.Where(n => n.Running));
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn(new TableColumn(" node").NoWrap());
        table.AddColumn(new TableColumn("LEDs S L P A").NoWrap());
        table.AddColumn(new TableColumn("role").NoWrap());
        table.AddColumn(new TableColumn("term").RightAligned());
        table.AddColumn(new TableColumn("leader").NoWrap());
        table.AddColumn(new TableColumn("partition").NoWrap());
        table.AddColumn(new TableColumn("keys").RightAligned());
        table.AddColumn(new TableColumn("lag").RightAligned());
        table.AddColumn(new TableColumn("last seen").RightAligned());
        table.AddColumn(new TableColumn("cable").NoWrap());
        table.AddColumn(new TableColumn("api").NoWrap());
        foreach (var n in nodes)
        {
            var mark = n.Index == selected ? "[bold reverse]>" : " ";
            var end = n.Index == selected ? "[/]" : "";
            table.AddRow(
                new Markup($"{mark}{n.Id}{end}"),
                new Markup(Leds(n.Leds, flashed?.Contains(n.Index) == true)),
                new Markup(RoleText(n)),
                new Markup(n.Running ? n.Term.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-"),
                new Markup(Markup.Escape(n.Leader ?? "-")),
                new Markup(PartitionText(n)),
                new Markup(n.Keys.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Markup(n.Running ? LagText(n.LagBehind(target)) : "-"),
                new Markup(n.OldestPeerSeenMs is { } ms ? SeenText(ms) : "-"),
                new Markup(n.CablePulled ? "[red bold]pulled[/]" : "[green]plugged[/]"),
                new Markup($"[dim]:{n.ApiPort}[/]"));
        }

        var lines = events.Select(e => new Markup(Markup.Escape(e.ToString()))).Cast<IRenderable>().ToList();
        if (lines.Count == 0)
        {
            lines.Add(new Markup("[dim]no events yet[/]"));
        }

        var title = $"[bold]edgesync emulate[/] — fleet '{Markup.Escape(fleetName)}', {nodes.Count} nodes, embedded broker 127.0.0.1:{brokerPort}";
        return new Rows(
            new Markup(title),
            table,
            new Markup(Legend),
            new Panel(new Rows(lines)).Header("recent events").Expand(),
            new Markup(Keys + (busy is null ? "" : $"   [yellow]{Markup.Escape(busy)}…[/]")));
    }

    private static string Leds(LedsView? leds, bool flashed)
    {
        if (leds is null)
        {
            return "[grey]○ ○ ○ ○[/]";
        }

        return $"{Led(leds.Status, "green")} {Led(leds.Leader, "yellow")} {Led(leds.Partition, "red")} {(flashed ? "[blue bold]●[/]" : Led(leds.Activity, "blue"))}";
    }

    /// <summary>● lit; ◌ running a pattern but dark this instant (a blink's off phase); ○ off.</summary>
    private static string Led(LedView led, string colour) =>
        led.On ? $"[{colour} bold]●[/]" : led.Pattern == "off" ? "[grey]○[/]" : $"[{colour} dim]◌[/]";

    private static string RoleText(NodeSnapshot n) => n.Role switch
    {
        "leader" => "[yellow bold]leader[/]",
        "candidate" => "[yellow]candidate[/]",
        "down" => "[red bold]DOWN[/]",
        var r => Markup.Escape(r),
    };

    private static string PartitionText(NodeSnapshot n) => n.Partition switch
    {
        "healthy" => "[green]healthy[/]",
        "degraded" => "[yellow]degraded[/]",
        "minority" => "[red bold]minority[/]",
        "isolated" => "[red bold]isolated[/]",
        var p => Markup.Escape(p),
    };

    private static string LagText(long lag) => lag == 0 ? "[green]0[/]" : $"[yellow]{lag}[/]";

    private static string SeenText(long ms) => ms == long.MaxValue ? "never" : ms < 1000 ? $"{ms} ms" : $"{ms / 1000.0:0.0} s";
}
