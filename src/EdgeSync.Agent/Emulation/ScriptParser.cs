using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using EdgeSync.Agent.Config;

namespace EdgeSync.Agent.Emulation;

/// <summary>Parses the emulator's script lines; a bad line gets one sentence naming the problem.</summary>
public sealed class ScriptParser(int nodes)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static readonly string[] PartitionStates = ["healthy", "degraded", "minority", "isolated"];

    public const string Usage =
        "commands: pull NODE | plug NODE | kill NODE | start NODE | write NODE KEY JSON | inc NODE | stepdown | " +
        "wait leader [TIMEOUT] | wait converged [TIMEOUT] | expect partition NODE STATE[|STATE] [TIMEOUT] | " +
        "expect leader-not NODE [TIMEOUT] | status | sleep MS | quit  (NODE: n1, 1, @leader or @last)";

    /// <summary>False with an error for a bad line; true with a null command for a blank line or a # comment.</summary>
    public bool TryParse(string line, out ScriptCommand? command, [NotNullWhen(false)] out string? error)
    {
        command = null;
        error = null;
        var text = line.Trim();
        if (text.Length == 0 || text.StartsWith('#'))
        {
            return true;
        }

        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var verb = words[0].ToLowerInvariant();
        switch (verb)
        {
            case "pull" or "plug" or "kill" or "start" or "inc":
                if (!Arity(words, 2, 2, $"{verb} NODE", out error) || !TryNode(words[1], out var node, out error))
                {
                    return false;
                }

                var v = verb switch { "pull" => ScriptVerb.Pull, "plug" => ScriptVerb.Plug, "kill" => ScriptVerb.Kill, "start" => ScriptVerb.Start, _ => ScriptVerb.Increment };
                command = new ScriptCommand(v, text) { Node = node };
                return true;
            case "write":
                return TryWrite(text, words, out command, out error);
            case "stepdown":
                command = Arity(words, 1, 1, "stepdown", out error) ? new ScriptCommand(ScriptVerb.StepDown, text) : null;
                return error is null;
            case "status":
                command = Arity(words, 1, 1, "status", out error) ? new ScriptCommand(ScriptVerb.Status, text) : null;
                return error is null;
            case "quit" or "exit":
                command = Arity(words, 1, 1, verb, out error) ? new ScriptCommand(ScriptVerb.Quit, text) : null;
                return error is null;
            case "sleep":
                if (!Arity(words, 2, 2, "sleep MS", out error))
                {
                    return false;
                }

                if (!int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms > 600_000)
                {
                    error = $"sleep takes milliseconds 0-600000 (got '{words[1]}')";
                    return false;
                }

                command = new ScriptCommand(ScriptVerb.Sleep, text) { Timeout = TimeSpan.FromMilliseconds(ms) };
                return true;
            case "wait":
                return TryWait(text, words, out command, out error);
            case "expect":
                return TryExpect(text, words, out command, out error);
            default:
                error = $"unknown command '{words[0]}'; {Usage}";
                return false;
        }
    }

    private bool TryWrite(string text, string[] words, out ScriptCommand? command, [NotNullWhen(false)] out string? error)
    {
        command = null;
        if (words.Length < 4)
        {
            error = "usage: write NODE KEY JSON (e.g. write n1 sensors/temp 21.5)";
            return false;
        }

        if (!TryNode(words[1], out var node, out error))
        {
            return false;
        }

        // The JSON is the rest of the line, spaces included.
        var json = text.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[3];
        try
        {
            using var _ = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            error = $"write: '{json}' is not a JSON value (strings need quotes: \"text\")";
            return false;
        }

        command = new ScriptCommand(ScriptVerb.Write, text) { Node = node, Key = words[2], Json = json };
        return true;
    }

    private static bool TryWait(string text, string[] words, out ScriptCommand? command, [NotNullWhen(false)] out string? error)
    {
        command = null;
        if (!Arity(words, 2, 3, "wait leader|converged [TIMEOUT]", out error))
        {
            return false;
        }

        ScriptVerb verb;
        switch (words[1].ToLowerInvariant())
        {
            case "leader":
                verb = ScriptVerb.WaitLeader;
                break;
            case "converged":
                verb = ScriptVerb.WaitConverged;
                break;
            default:
                error = $"wait for what? '{words[1]}' is neither 'leader' nor 'converged'";
                return false;
        }

        if (!TryTimeout(words, 2, out var timeout, out error))
        {
            return false;
        }

        command = new ScriptCommand(verb, text) { Timeout = timeout };
        return true;
    }

    private bool TryExpect(string text, string[] words, out ScriptCommand? command, [NotNullWhen(false)] out string? error)
    {
        command = null;
        var what = words.Length > 1 ? words[1].ToLowerInvariant() : "";
        if (what == "partition")
        {
            if (!Arity(words, 4, 5, "expect partition NODE STATE[|STATE] [TIMEOUT]", out error) || !TryNode(words[2], out var node, out error))
            {
                return false;
            }

            var states = words[3].ToLowerInvariant().Split('|');
            if (states.FirstOrDefault(s => !PartitionStates.Contains(s)) is { } bad)
            {
                error = $"'{bad}' is not a partition state ({string.Join(", ", PartitionStates)})";
                return false;
            }

            if (!TryTimeout(words, 4, out var timeout, out error))
            {
                return false;
            }

            command = new ScriptCommand(ScriptVerb.ExpectPartition, text) { Node = node, States = states, Timeout = timeout };
            return true;
        }

        if (what == "leader-not")
        {
            if (!Arity(words, 3, 4, "expect leader-not NODE [TIMEOUT]", out error) || !TryNode(words[2], out var node, out error) || !TryTimeout(words, 3, out var timeout, out error))
            {
                return false;
            }

            command = new ScriptCommand(ScriptVerb.ExpectLeaderNot, text) { Node = node, Timeout = timeout };
            return true;
        }

        error = "usage: expect partition NODE STATE[|STATE] [TIMEOUT] or expect leader-not NODE [TIMEOUT]";
        return false;
    }

    private bool TryNode(string word, [NotNullWhen(true)] out string? node, [NotNullWhen(false)] out string? error)
    {
        node = null;
        error = null;
        var w = word.ToLowerInvariant();
        if (w is "@leader" or "@last")
        {
            node = w;
            return true;
        }

        var digits = w.StartsWith('n') ? w[1..] : w;
        if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k >= 1 && k <= nodes)
        {
            node = EmulatorOptions.NodeId(k);
            return true;
        }

        error = $"'{word}' is not a node: use n1..n{nodes}, 1..{nodes}, @leader or @last";
        return false;
    }

    private static bool TryTimeout(string[] words, int at, out TimeSpan timeout, [NotNullWhen(false)] out string? error)
    {
        timeout = DefaultTimeout;
        error = null;
        if (words.Length <= at)
        {
            return true;
        }

        // A bare number is seconds; else 500ms, 10s, 1m.
        if (int.TryParse(words[at], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            timeout = TimeSpan.FromSeconds(seconds);
            return true;
        }

        if (DurationText.TryParse(words[at], out timeout) && timeout <= TimeSpan.FromHours(1))
        {
            return true;
        }

        error = $"'{words[at]}' is not a timeout ({DurationText.Hint})";
        return false;
    }

    private static bool Arity(string[] words, int min, int max, string usage, [NotNullWhen(false)] out string? error)
    {
        error = words.Length < min || words.Length > max ? $"usage: {usage}" : null;
        return error is null;
    }
}
