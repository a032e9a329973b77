using EdgeSync.Agent.Emulation;

namespace EdgeSync.Agent.Tests.Emulation;

public sealed class ScriptParserTests
{
    private readonly ScriptParser _parser = new(3);

    [Theory]
    [InlineData("pull n1", ScriptVerb.Pull, "n1")]
    [InlineData("  PLUG 2 ", ScriptVerb.Plug, "n2")]
    [InlineData("kill @leader", ScriptVerb.Kill, "@leader")]
    [InlineData("start @last", ScriptVerb.Start, "@last")]
    [InlineData("inc n3", ScriptVerb.Increment, "n3")]
    [InlineData("stepdown", ScriptVerb.StepDown, null)]
    [InlineData("status", ScriptVerb.Status, null)]
    [InlineData("quit", ScriptVerb.Quit, null)]
    public void Node_commands_parse(string line, ScriptVerb verb, string? node)
    {
        Assert.True(_parser.TryParse(line, out var command, out var error), error);
        Assert.NotNull(command);
        Assert.Equal(verb, command.Verb);
        Assert.Equal(node, command.Node);
    }

    [Fact]
    public void Write_takes_the_rest_of_the_line_as_json()
    {
        Assert.True(_parser.TryParse("write n2 sensors/greenhouse/temp {\"c\": 21.5, \"ok\": true}", out var command, out var error), error);
        Assert.Equal(ScriptVerb.Write, command!.Verb);
        Assert.Equal("n2", command.Node);
        Assert.Equal("sensors/greenhouse/temp", command.Key);
        Assert.Equal("{\"c\": 21.5, \"ok\": true}", command.Json);
    }

    [Theory]
    [InlineData("wait leader", ScriptVerb.WaitLeader, 15_000)]
    [InlineData("wait converged 30", ScriptVerb.WaitConverged, 30_000)]
    [InlineData("wait converged 2500ms", ScriptVerb.WaitConverged, 2_500)]
    [InlineData("expect leader-not n1 10s", ScriptVerb.ExpectLeaderNot, 10_000)]
    [InlineData("sleep 250", ScriptVerb.Sleep, 250)]
    public void Timeouts_parse(string line, ScriptVerb verb, int ms)
    {
        Assert.True(_parser.TryParse(line, out var command, out var error), error);
        Assert.Equal(verb, command!.Verb);
        Assert.Equal(TimeSpan.FromMilliseconds(ms), command.Timeout);
    }

    [Fact]
    public void Expect_partition_takes_alternatives()
    {
        Assert.True(_parser.TryParse("expect partition @last minority|isolated 20s", out var command, out var error), error);
        Assert.Equal(["minority", "isolated"], command!.States);
        Assert.Equal("@last", command.Node);
        Assert.Equal(TimeSpan.FromSeconds(20), command.Timeout);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("# a comment")]
    public void Blank_lines_and_comments_are_no_command(string line)
    {
        Assert.True(_parser.TryParse(line, out var command, out _));
        Assert.Null(command);
    }

    [Theory]
    [InlineData("frobnicate n1", "unknown command 'frobnicate'")]
    [InlineData("pull", "usage: pull NODE")]
    [InlineData("pull n1 n2", "usage: pull NODE")]
    [InlineData("pull n4", "'n4' is not a node: use n1..n3")]
    [InlineData("kill n0", "'n0' is not a node")]
    [InlineData("start bob", "'bob' is not a node")]
    [InlineData("write n1 key", "usage: write NODE KEY JSON")]
    [InlineData("write n1 key not-json", "is not a JSON value")]
    [InlineData("write n1 key {\"open\": ", "is not a JSON value")]
    [InlineData("wait forever", "neither 'leader' nor 'converged'")]
    [InlineData("wait leader soon", "'soon' is not a timeout")]
    [InlineData("expect partition n1 broken", "'broken' is not a partition state")]
    [InlineData("expect partition n1", "usage: expect partition NODE")]
    [InlineData("expect sunshine", "usage: expect partition")]
    [InlineData("sleep -5", "sleep takes milliseconds")]
    [InlineData("stepdown now", "usage: stepdown")]
    public void Bad_lines_get_one_clear_error(string line, string expected)
    {
        Assert.False(_parser.TryParse(line, out var command, out var error));
        Assert.Null(command);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void Check_names_every_bad_line_by_number()
    {
        var errors = ScriptRunner.Check(["wait leader", "pull n9", "# fine", "jump"], 3);
        Assert.Equal(2, errors.Count);
        Assert.StartsWith("line 2: ", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("line 4: ", errors[1], StringComparison.Ordinal);
    }
}
