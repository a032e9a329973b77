using System.CommandLine;
using System.Text.Json;
using EdgeSync.Agent.Http;

namespace EdgeSync.Agent.Cli;

/// <summary><c>put</c>, <c>get</c>, <c>del</c> and <c>ls</c> against a running agent.</summary>
public static class KvCommands
{
    public static IEnumerable<Command> Build(ClientOptions client)
    {
        yield return Put(client);
        yield return Get(client);
        yield return Del(client);
        yield return Ls(client);
    }

    private static Option<string?> ContextOption() => new("--context")
    {
        Description = "Causal context from an earlier read: supersede exactly what it saw",
        HelpName = "CONTEXT",
    };

    private static Option<string?> ConsistencyOption() => new("--consistency")
    {
        Description = "one (default), quorum or all",
        HelpName = "LEVEL",
    };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print the agent's full JSON answer" };

    private static Command Put(ClientOptions client)
    {
        var key = new Argument<string>("KEY") { Description = "The key, e.g. sensors/greenhouse/temp" };
        var value = new Argument<string>("JSON") { Description = "The value, a JSON document (quote it for the shell)" };
        var context = ContextOption();
        var consistency = ConsistencyOption();
        var command = new Command("put", "Write a JSON value to a key.") { key, value, context, consistency };
        client.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            using var agent = client.Create(parse);
            var answer = await agent.SendAsync(
                HttpMethod.Put, AgentClient.KvPath(parse.GetValue(key)!, Query(parse.GetValue(consistency))), parse.GetValue(value), Headers(parse.GetValue(context)), cancel);
            await parse.InvocationConfiguration.Output.WriteLineAsync(answer.GetRawText());
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get(ClientOptions client)
    {
        var key = new Argument<string>("KEY") { Description = "The key to read" };
        var json = JsonOption();
        var consistency = ConsistencyOption();
        var command = new Command("get", "Read a key: its value, or every concurrent value one per line.") { key, json, consistency };
        client.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            using var agent = client.Create(parse);
            var k = parse.GetValue(key)!;
            var answer = await agent.SendAsync(HttpMethod.Get, AgentClient.KvPath(k, Query(parse.GetValue(consistency))), null, null, cancel);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(answer.GetRawText());
                return ExitCodes.Ok;
            }

            var values = answer.GetProperty("values").EnumerateArray().ToList();
            foreach (var v in values)
            {
                await output.WriteLineAsync(v.GetRawText());
            }

            if (values.Count > 1)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(
                    $"edgesync: {values.Count} concurrent values; resolve with: edgesync put '{k}' VALUE --context {answer.GetProperty("context").GetString()}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Del(ClientOptions client)
    {
        var key = new Argument<string>("KEY") { Description = "The key to delete" };
        var context = ContextOption();
        var consistency = ConsistencyOption();
        var command = new Command("del", "Delete a key (writes a tombstone).") { key, context, consistency };
        client.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            using var agent = client.Create(parse);
            var answer = await agent.SendAsync(
                HttpMethod.Delete, AgentClient.KvPath(parse.GetValue(key)!, Query(parse.GetValue(consistency))), null, Headers(parse.GetValue(context)), cancel);
            await parse.InvocationConfiguration.Output.WriteLineAsync(answer.GetRawText());
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Ls(ClientOptions client)
    {
        var prefix = new Argument<string>("PREFIX") { Description = "Only keys starting with this", DefaultValueFactory = _ => string.Empty };
        var json = new Option<bool>("--json") { Description = "One JSON object per key (key, values, conflict, context)" };
        var command = new Command("ls", "List live keys, in key order.") { prefix, json };
        client.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            using var agent = client.Create(parse);
            var output = parse.InvocationConfiguration.Output;
            string? after = null;
            do
            {
                var query = $"prefix={Uri.EscapeDataString(parse.GetValue(prefix) ?? string.Empty)}&limit={ListEndpoint.MaxLimit}"
                    + (after is null ? string.Empty : $"&after={Uri.EscapeDataString(after)}");
                var page = await agent.SendAsync(HttpMethod.Get, "v1/kv?" + query, null, null, cancel);
                foreach (var item in page.GetProperty("items").EnumerateArray())
                {
                    await output.WriteLineAsync(parse.GetValue(json) ? item.GetRawText() : item.GetProperty("key").GetString());
                }

                after = page.GetProperty("next") is { ValueKind: JsonValueKind.String } next ? next.GetString() : null;
            }
            while (after is not null);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string? Query(string? consistency) =>
        consistency is null ? null : "consistency=" + Uri.EscapeDataString(consistency);

    private static Dictionary<string, string>? Headers(string? context) =>
        context is null ? null : new Dictionary<string, string> { [RequestOptions.ContextHeader] = context };
}
