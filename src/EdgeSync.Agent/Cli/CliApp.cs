using System.CommandLine;
using EdgeSync.Agent.Hosting;

namespace EdgeSync.Agent.Cli;

/// <summary>
/// The <c>edgesync</c> command line (System.CommandLine 2.0). Usage errors exit 2 with one line;
/// run-time failures exit 1 with one line; no stack traces.
/// </summary>
public static class CliApp
{
    public static RootCommand Build()
    {
        var root = new RootCommand("EdgeSync: a replicated key-value agent for Raspberry Pi fleets.");
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(EmulateCommand.Build());
        var client = new ClientOptions();
        foreach (var command in KvCommands.Build(client).Concat(InfoCommands.Build(client)).Append(BatchCommand.Build(client)).Append(WatchCommand.Build(client)).Concat(BackupCommands.Build(client)))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var stdout = output ?? Console.Out;
        var stderr = error ?? Console.Error;
        var root = Build();
        var clientCommands = root.Subcommands.Where(c => c.Name is not ("run" or "emulate")).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var parse = root.Parse(ClientOptions.HoistLeading(args, clientCommands));
        if (parse.Errors.Count > 0 && !AsksForHelpOrVersion(args))
        {
            var command = parse.CommandResult.Command;
            var name = command == root ? "edgesync" : $"edgesync {command.Name}";
            stderr.WriteLine($"edgesync: {parse.Errors[0].Message} (see '{name} --help')");
            return ExitCodes.Usage;
        }

        if (parse.CommandResult.Command == root && args.Length == 0)
        {
            stderr.WriteLine("edgesync: no command given (see 'edgesync --help')");
            return ExitCodes.Usage;
        }

        var config = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,

            // The host handles SIGTERM itself and must be allowed to finish the last commit.
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parse.InvokeAsync(config);
        }
        catch (CliFailure e)
        {
            stderr.WriteLine($"edgesync: {e.Message}");
            return e.ExitCode;
        }
    }

    public static string Version => AgentVersion.Text;

    private static bool AsksForHelpOrVersion(string[] args) =>
        args.Any(a => a is "--help" or "-h" or "-?" or "--version");
}
