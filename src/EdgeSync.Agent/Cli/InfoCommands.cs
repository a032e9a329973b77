using System.CommandLine;
using System.Text.Json;

namespace EdgeSync.Agent.Cli;

/// <summary><c>status</c> and <c>leader</c>: the agent's view of itself and its fleet, as indented JSON.</summary>
public static class InfoCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static IEnumerable<Command> Build(ClientOptions client)
    {
        yield return Show(client, "status", "v1/status", "Show the node's status: role, leader, partition state, peers, keys.");
        yield return Show(client, "leader", "v1/leader", "Show the fleet's leader and term (the fencing token).");
    }

    private static Command Show(ClientOptions client, string name, string path, string description)
    {
        var command = new Command(name, description);
        client.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            using var agent = client.Create(parse);
            var answer = await agent.SendAsync(HttpMethod.Get, path, null, null, cancel);
            await parse.InvocationConfiguration.Output.WriteLineAsync(JsonSerializer.Serialize(answer, Indented));
            return ExitCodes.Ok;
        });
        return command;
    }
}
