using EdgeSync.Agent.Config;
using EdgeSync.Agent.Tests.Process;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Tests.Config;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Defaults_make_a_fleet_of_one_on_localhost()
    {
        var config = Load(new RunOverrides(null, "n1", _dir.Path, null, null));
        Assert.Equal("127.0.0.1:7070", config.Api.Listen);
        Assert.Equal(["n1"], config.Members);
        Assert.Equal("default", config.Fleet.Name);
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.Fleet.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), config.Sync.AntiEntropyInterval);
        Assert.Equal(16, config.Store.MaxSiblings);
        Assert.Equal(256 * 1024, config.Store.MaxValueBytes);
        Assert.Empty(config.Mqtt.Brokers);
    }

    [Fact]
    public void File_then_environment_then_flags_each_win()
    {
        var file = _dir.File("c.json", """
            {
              // comments are allowed
              "Node": { "Id": "from-file", "DataDir": "/tmp/x" },
              "Store": { "MaxSiblings": 4, "ConflictPolicies": { "metrics/": "lww" } },
              "Fleet": { "Members": ["from-file", "b", "c"], "HeartbeatInterval": "250ms", "ElectionTimeoutMin": "3s", "ElectionTimeoutMax": "5s" },
              "Mqtt": { "Brokers": ["mqtt://127.0.0.1:1883"] },
            }
            """);
        var env = new Dictionary<string, string?>
        {
            ["EDGESYNC_Store__MaxSiblings"] = "8",
            ["EDGESYNC_Sync__AntiEntropyInterval"] = "2s",
            ["EDGESYNC_Node__Id"] = "from-env",
            ["EDGESYNC_FLEET__MEMBERS__0"] = "from-flag",
            ["UNRELATED"] = "x",
        };
        var config = Load(new RunOverrides(file, "from-flag", null, "127.0.0.1:9000", null), env);
        Assert.Equal("from-flag", config.Node.Id);
        Assert.Equal("/tmp/x", config.Node.DataDir);
        Assert.Equal(8, config.Store.MaxSiblings);
        Assert.Equal(ConflictPolicy.Lww, config.Store.ToStoreOptions().PolicyFor("metrics/cpu"));
        Assert.Equal(TimeSpan.FromSeconds(2), config.Sync.AntiEntropyInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(250), config.Fleet.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), config.Fleet.ElectionTimeoutMin);
        Assert.Equal(TimeSpan.FromSeconds(5), config.Fleet.ElectionTimeoutMax);
        Assert.Equal(["from-flag", "b", "c"], config.Members);
        Assert.Equal("127.0.0.1:9000", config.Api.Listen);
    }

    [Theory]
    [InlineData("EDGESYNC_Store__MaxSiblings", "0", "Store:MaxSiblings must be between 1 and 1024 (got 0)")]
    [InlineData("EDGESYNC_Store__MaxSiblings", "many", "Store:MaxSiblings must be a whole number (got 'many')")]
    [InlineData("EDGESYNC_Store__MaxValueBytes", "-1", "Store:MaxValueBytes")]
    [InlineData("EDGESYNC_Store__Engine", "sqlite", "Store:Engine must be litedb or memory")]
    [InlineData("EDGESYNC_Store__ConflictPolicies__logs/", "newest", "Store:ConflictPolicies:logs/ must be siblings or lww")]
    [InlineData("EDGESYNC_Api__Listen", "localhost", "Api:Listen")]
    [InlineData("EDGESYNC_Api__Listen", "10.0.0.1:99999", "Api:Listen")]
    [InlineData("EDGESYNC_Fleet__Name", "bad name!", "Fleet:Name must be")]
    [InlineData("EDGESYNC_Fleet__HeartbeatInterval", "fast", "Fleet:HeartbeatInterval must be a duration")]
    [InlineData("EDGESYNC_Fleet__HeartbeatInterval", "1ms", "Fleet:HeartbeatInterval must be between 50ms and 60s")]
    [InlineData("EDGESYNC_Fleet__Members", "a,b", "Fleet:Members must include this node's id 'n1' (got a, b)")]
    [InlineData("EDGESYNC_Fleet__Members", "3", "Fleet:Members must include this node's id 'n1' (got 3); it lists node ids, not how many there are: e.g. [\"n1\", \"pi-2\", \"pi-3\"]")]
    [InlineData("EDGESYNC_Fleet__ElectionTimeoutMin", "100ms", "Fleet:ElectionTimeoutMin must be between 500ms and 60s")]
    [InlineData("EDGESYNC_Fleet__ElectionTimeoutMax", "1100ms", "Fleet:ElectionTimeoutMax must be at least 1.2 x Fleet:ElectionTimeoutMin")]
    [InlineData("EDGESYNC_Mqtt__Brokers", "http://127.0.0.1:1883", "Mqtt:Brokers contains 'http://127.0.0.1:1883'")]
    [InlineData("EDGESYNC_Sync__AntiEntropyInterval", "0s", "Sync:AntiEntropyInterval")]
    [InlineData("EDGESYNC_Gpio__Driver", "pwm", "Gpio:Driver: 'pwm' is not a GPIO driver")]
    [InlineData("EDGESYNC_Store__MaxSibling", "4", "Store:MaxSibling is not a known setting")]
    [InlineData("EDGESYNC_Stroe__MaxSiblings", "4", "Stroe is not a known section")]
    public void A_bad_value_names_its_key(string variable, string value, string expected)
    {
        var env = new Dictionary<string, string?> { [variable] = value };
        var e = Assert.Throws<ConfigException>(() => Load(new RunOverrides(null, "n1", _dir.Path, null, null), env));
        Assert.Contains(e.Problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_member_count_in_place_of_the_member_list_says_what_the_list_is()
    {
        var file = _dir.File("count.json", "{ \"Fleet\": { \"Members\": 5 } }");
        var e = Assert.Throws<ConfigException>(() => Load(new RunOverrides(file, "n1", _dir.Path, null, null)));
        Assert.Contains(e.Problems, p => p.Contains("(got 5); it lists node ids, not how many there are", StringComparison.Ordinal));
    }

    [Fact]
    public void Malformed_json_names_the_file_and_line()
    {
        var file = _dir.File("bad.json", "{\n  \"Store\": {\n    \"MaxSiblings\": 4 oops\n  }\n}\n");
        var e = Assert.Throws<ConfigException>(() => Load(new RunOverrides(file, "n1", _dir.Path, null, null)));
        var problem = Assert.Single(e.Problems);
        Assert.Contains(file, problem, StringComparison.Ordinal);
        Assert.Contains("line 3", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_node_id_flag_names_the_key()
    {
        var e = Assert.Throws<ConfigException>(() => Load(new RunOverrides(null, "no spaces please", _dir.Path, null, null)));
        Assert.Contains(e.Problems, p => p.StartsWith("Node:Id must be", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_config_file_is_an_error()
    {
        var e = Assert.Throws<ConfigException>(() => Load(new RunOverrides(Path.Combine(_dir.Path, "nope.json"), "n1", _dir.Path, null, null)));
        Assert.Contains("no such file", Assert.Single(e.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Several_peers_need_a_broker()
    {
        var env = new Dictionary<string, string?> { ["EDGESYNC_Fleet__Members"] = "n1,n2,n3" };
        var e = Assert.Throws<ConfigException>(() => Load(new RunOverrides(null, "n1", _dir.Path, null, null), env));
        Assert.Contains(e.Problems, p => p.StartsWith("Mqtt:Brokers is empty", StringComparison.Ordinal));
        var ok = Load(new RunOverrides(null, "n1", _dir.Path, null, "embedded"), env);
        Assert.Equal(["embedded"], ok.Mqtt.Brokers);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("5s", 5000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("00:00:03", 3000)]
    public void Durations_parse(string text, double ms)
    {
        Assert.True(DurationText.TryParse(text, out var value));
        Assert.Equal(ms, value.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5s")]
    [InlineData("5 parsecs")]
    public void Bad_durations_do_not_parse(string text) => Assert.False(DurationText.TryParse(text, out _));

    private static AgentConfig Load(RunOverrides flags, Dictionary<string, string?>? env = null) =>
        ConfigLoader.Load(flags, env ?? []);
}
