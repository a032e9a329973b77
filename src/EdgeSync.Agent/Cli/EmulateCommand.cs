using System.CommandLine;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EdgeSync.Agent.Emulation;

namespace EdgeSync.Agent.Cli;

/// <summary>
/// <c>edgesync emulate</c>: a whole fleet in this process. A dashboard on a terminal; with
/// <c>--script FILE</c> or commands on a redirected stdin, one result line per command instead.
/// </summary>
public static class EmulateCommand
{
    public static Command Build()
    {
        var nodes = new Option<int>("--nodes") { Description = $"How many agents (1-{EmulatorOptions.MaxNodes})", HelpName = "N", DefaultValueFactory = _ => 3 };
        var dataDir = new Option<string?>("--data-dir") { Description = "Keep the nodes' data in DIR/n1..nN (default: a temporary directory removed on exit)", HelpName = "DIR" };
        var script = new Option<string?>("--script") { Description = "Run these commands instead of the dashboard (also read from stdin when it is not a terminal)", HelpName = "FILE" };
        var basePort = new Option<int>("--base-port") { Description = "Node K serves its HTTP API on 127.0.0.1:(P+K)", HelpName = "P", DefaultValueFactory = _ => EmulatorOptions.DefaultBasePort };
        var command = new Command("emulate", "Run a whole fleet on this machine: N agents on an embedded broker, each behind a cable you can pull.")
        {
            nodes, dataDir, script, basePort,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var options = new EmulatorOptions { Nodes = parse.GetValue(nodes), DataDir = parse.GetValue(dataDir), BasePort = parse.GetValue(basePort) };
            if (options.Validate().FirstOrDefault() is { } problem)
            {
                throw new CliFailure(problem, ExitCodes.Usage);
            }

            var scriptFile = parse.GetValue(script);
            IReadOnlyList<string>? scriptLines = null;
            if (scriptFile is not null)
            {
                scriptLines = ReadScript(scriptFile);
                if (ScriptRunner.Check(scriptLines, options.Nodes) is { Count: > 0 } errors)
                {
                    throw new CliFailure($"{scriptFile} {errors[0]}", ExitCodes.Usage);
                }
            }

            // The CLI leaves signals to the host (see CliApp), and each emulated node's host would swallow
            // Ctrl+C for itself: the emulator takes SIGINT/SIGTERM and stops everything in order.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
            cancel = stop.Token;
            EmulatedFleet fleet;
            try
            {
                fleet = await EmulatedFleet.StartAsync(options, cancel);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException)
            {
                throw new CliFailure($"cannot start the emulated fleet: {e.Message}", ExitCodes.Failure);
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Failure;
            }

            await using (fleet)
            {
                using var writer = new NodeWriter();
                if (scriptLines is not null || Console.IsInputRedirected)
                {
                    var runner = new ScriptRunner(fleet, writer, stdout);
                    var lines = scriptLines is not null ? Lines(scriptLines) : Lines(Console.In, cancel);
                    try
                    {
                        var failures = await runner.RunAsync(lines, cancel);
                        return failures == 0 ? ExitCodes.Ok : ExitCodes.Failure;
                    }
                    catch (OperationCanceledException)
                    {
                        return ExitCodes.Failure;
                    }
                }

                await new Dashboard(fleet, writer, options.FleetName).RunAsync(cancel);
                await stderr.WriteLineAsync($"edgesync emulate: stopped; {(options.DataDir is null ? "temporary data removed" : $"data kept in {fleet.DataRoot}")}");
                return ExitCodes.Ok;
            }

            void Interrupt(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }
        });
        return command;
    }

    private static IReadOnlyList<string> ReadScript(string file)
    {
        try
        {
            return File.ReadAllLines(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliFailure($"--script {file}: cannot read ({e.Message})", ExitCodes.Usage);
        }
    }

#pragma warning disable CS1998 // An async iterator over a list keeps both inputs one type.
    private static async IAsyncEnumerable<string> Lines(IReadOnlyList<string> lines)
#pragma warning restore CS1998
    {
        foreach (var line in lines)
        {
            yield return line;
        }
    }

    private static async IAsyncEnumerable<string> Lines(TextReader reader, [EnumeratorCancellation] CancellationToken cancel)
    {
        while (await reader.ReadLineAsync(cancel) is { } line)
        {
            yield return line;
        }
    }
}
