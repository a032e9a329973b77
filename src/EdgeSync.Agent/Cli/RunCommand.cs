using System.CommandLine;
using EdgeSync.Agent.Config;
using EdgeSync.Agent.Hosting;
using EdgeSync.Agent.Storage;

namespace EdgeSync.Agent.Cli;

/// <summary><c>edgesync run</c>: the agent in the foreground (what systemd runs).</summary>
public static class RunCommand
{
    public static Command Build()
    {
        var config = new Option<string?>("--config") { Description = $"JSON configuration file (default {ConfigLoader.DeviceConfigFile} if it exists)", HelpName = "FILE" };
        var nodeId = new Option<string?>("--node-id") { Description = "This node's id (Node:Id)", HelpName = "ID" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Where the replica is stored (Node:DataDir)", HelpName = "DIR" };
        var api = new Option<string?>("--api") { Description = $"HTTP API address (Api:Listen, default {ApiSection.DefaultListen})", HelpName = "ADDR:PORT" };
        var broker = new Option<string?>("--broker") { Description = "MQTT broker URL or 'embedded' (Mqtt:Brokers)", HelpName = "URL" };
        var command = new Command("run", "Run the agent in the foreground.") { config, nodeId, dataDir, api, broker };
        command.SetAction(async (parse, cancel) =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            AgentConfig agentConfig;
            try
            {
                agentConfig = ConfigLoader.Load(new RunOverrides(
                    parse.GetValue(config), parse.GetValue(nodeId), parse.GetValue(dataDir), parse.GetValue(api), parse.GetValue(broker)));
            }
            catch (ConfigException e)
            {
                foreach (var problem in e.Problems)
                {
                    await stderr.WriteLineAsync($"edgesync: bad configuration: {problem}");
                }

                return ExitCodes.Usage;
            }

            try
            {
                await AgentHost.RunAsync(agentConfig, stderr, cancel);
                return ExitCodes.Ok;
            }
            catch (StoreFailedException e)
            {
                await stderr.WriteLineAsync($"edgesync: stopped: {e.Message}");
                return ExitCodes.Failure;
            }
            catch (IOException e)
            {
                await stderr.WriteLineAsync($"edgesync: cannot start: {e.Message}");
                return ExitCodes.Failure;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Anything else (a corrupt database, a store fault): one line, not a stack trace.
                await stderr.WriteLineAsync($"edgesync: failed: {e.GetType().Name}: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
