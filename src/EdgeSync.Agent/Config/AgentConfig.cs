using Microsoft.Extensions.Configuration;

namespace EdgeSync.Agent.Config;

/// <summary>The whole agent configuration, one object per section (SPEC §8).</summary>
public sealed class AgentConfig
{
    /// <summary>Top-level sections; anything else at the top level is a typo.</summary>
    public static readonly string[] Sections = ["Node", "Api", "Store", "Fleet", "Mqtt", "Sync", "Gpio", "Logging"];

    public NodeSection Node { get; set; } = new();

    public ApiSection Api { get; set; } = new();

    public StoreSection Store { get; set; } = new();

    public FleetSection Fleet { get; set; } = new();

    public MqttSection Mqtt { get; set; } = new();

    public SyncSection Sync { get; set; } = new();

    public Gpio.GpioOptions Gpio { get; set; } = new();

    /// <summary>Passed through to the host's logging (e.g. <c>Logging:LogLevel:Default</c>).</summary>
    public IConfigurationSection? Logging { get; set; }

    /// <summary>The configured members, or just this node: one node with no peers is its own fleet.</summary>
    public IReadOnlyList<string> Members => Fleet.Members.Count > 0 ? Fleet.Members : [Node.Id];

    public static AgentConfig Read(IConfiguration root, List<string> errors)
    {
        foreach (var child in root.GetChildren())
        {
            if (!Sections.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{child.Key} is not a known section (known: {string.Join(", ", Sections)})");
            }
        }

        SectionReader Section(string name) => new(root.GetSection(name), errors);
        return new AgentConfig
        {
            Node = NodeSection.Read(Section("Node")),
            Api = ApiSection.Read(Section("Api")),
            Store = StoreSection.Read(Section("Store")),
            Fleet = FleetSection.Read(Section("Fleet")),
            Mqtt = MqttSection.Read(Section("Mqtt")),
            Sync = SyncSection.Read(Section("Sync")),
            Gpio = GpioSection.Read(Section("Gpio")),
            Logging = root.GetSection("Logging"),
        };
    }

    public IEnumerable<string> Validate()
    {
        var errors = Node.Validate()
            .Concat(Api.Validate())
            .Concat(Store.Validate())
            .Concat(Fleet.Validate(Node.Id))
            .Concat(Mqtt.Validate())
            .Concat(Sync.Validate())
            .Concat(Gpio.Validate())
            .ToList();
        if (Api.MaxRequestBytes < Store.MaxValueBytes)
        {
            errors.Add($"Api:MaxRequestBytes ({Api.MaxRequestBytes}) must be at least Store:MaxValueBytes ({Store.MaxValueBytes})");
        }

        if (Members.Count > 1 && Mqtt.Brokers.Count == 0)
        {
            errors.Add($"Mqtt:Brokers is empty but Fleet:Members lists {Members.Count} nodes; give a broker URL or 'embedded'");
        }

        return errors;
    }
}
