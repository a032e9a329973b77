using System.CommandLine;
using System.Text.Json;

namespace EdgeSync.Agent.Cli;

/// <summary><c>watch [PREFIX]</c>: follow the node's changes feed, one line per applied change.</summary>
public static class WatchCommand
{
    public static Command Build(ClientOptions client)
    {
        var prefix = new Argument<string>("PREFIX") { Description = "Only keys starting with this prefix.", DefaultValueFactory = _ => string.Empty };
        var since = new Option<long?>("--since") { Description = "Resume after this change number (default: from now on)." };
        var json = new Option<bool>("--json") { Description = "Print each change as its JSON event." };
        var command = new Command("watch", "Follow every change applied on the node (local or replicated) until Ctrl+C.") { prefix, since, json };
        client.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            using var agent = client.Create(parse);
            var query = $"v1/changes?prefix={Uri.EscapeDataString(parse.GetValue(prefix) ?? string.Empty)}";
            if (parse.GetValue(since) is { } n)
            {
                query += $"&since={n}";
            }

            var output = parse.InvocationConfiguration.Output;
            await using var stream = await agent.OpenStreamAsync(query, cancel);
            using var reader = new StreamReader(stream);
            try
            {
                while (await reader.ReadLineAsync(cancel) is { } line)
                {
                    if (line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        await output.WriteLineAsync(parse.GetValue(json) ? line[6..] : Describe(line[6..]));
                        await output.FlushAsync(cancel);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Ok;
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Describe(string data)
    {
        using var doc = JsonDocument.Parse(data);
        var e = doc.RootElement;
        if (!e.TryGetProperty("key", out var key))
        {
            return data; // a gap notice
        }

        var values = e.GetProperty("values");
        var shown = e.GetProperty("deleted").GetBoolean() ? "(deleted)" : values.GetArrayLength() == 1 ? values[0].GetRawText() : values.GetRawText();
        return $"{e.GetProperty("seq").GetInt64()} {e.GetProperty("kind").GetString()} {key.GetString()} {shown}";
    }
}
