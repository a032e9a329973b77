using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;

namespace EdgeSync.Agent.Cli;

/// <summary>
/// <c>export [PREFIX] [--out FILE]</c> and <c>import FILE|-</c>: the HTTP backup endpoints as
/// commands. Neither has an overall time limit unless <c>--timeout</c> is given: a large store
/// takes as long as it takes.
/// </summary>
public static class BackupCommands
{
    public static IEnumerable<Command> Build(ClientOptions client) => [Export(client), Import(client)];

    private static Command Export(ClientOptions client)
    {
        var prefix = new Argument<string>("PREFIX") { Description = "Only keys starting with this prefix.", DefaultValueFactory = _ => string.Empty };
        var output = new Option<string?>("--out", "-o") { Description = "Write to FILE (whole or not at all) instead of standard output.", HelpName = "FILE" };
        var command = new Command("export", "Write every key's causal state, deleted keys included, one JSON line each (for 'edgesync import').") { prefix, output };
        client.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            using var agent = client.Create(parse, Timeout.InfiniteTimeSpan);
            await using var stream = await agent.OpenStreamAsync("v1/export?prefix=" + Uri.EscapeDataString(parse.GetValue(prefix) ?? string.Empty), cancel);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            if (parse.GetValue(output) is not { } file)
            {
                await CopyLinesAsync(reader, parse.InvocationConfiguration.Output, cancel);
                return ExitCodes.Ok;
            }

            // Written aside and renamed when complete, so a file named FILE is never a cut-off export.
            var partial = file + ".partial";
            long keys;
            try
            {
                await using (var target = new StreamWriter(partial, append: false, new UTF8Encoding(false)))
                {
                    keys = await CopyLinesAsync(reader, target, cancel);
                }

                File.Move(partial, file, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliFailure($"cannot write {file}: {e.Message}");
            }
            finally
            {
                if (File.Exists(partial))
                {
                    File.Delete(partial);
                }
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync($"exported {keys} keys to {file}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Import(ClientOptions client)
    {
        var file = new Argument<string>("FILE") { Description = "An export (JSON lines); '-' reads standard input." };
        var command = new Command("import", "Merge an export into the node, as replicated updates: importing twice changes nothing, and later deletes stay deleted.") { file };
        client.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            var path = parse.GetValue(file)!;
            using var agent = client.Create(parse, Timeout.InfiniteTimeSpan);
            Stream source;
            try
            {
                source = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliFailure($"cannot read {path}: {e.Message}");
            }

            await using (source)
            {
                using var content = new StreamContent(source);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                var answer = await agent.SendAsync(HttpMethod.Post, "v1/import", content, cancel);
                await parse.InvocationConfiguration.Output.WriteLineAsync(
                    $"imported {answer.GetProperty("keys").GetInt64()} keys: {answer.GetProperty("changed").GetInt64()} changed, {answer.GetProperty("unchanged").GetInt64()} already there");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<long> CopyLinesAsync(StreamReader reader, TextWriter target, CancellationToken cancel)
    {
        long lines = 0;
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancel);
            }
            catch (IOException e)
            {
                // The agent stopped mid-stream (the response ended before its last chunk). Only reading
                // is caught here: a failed write (a full disk) is the caller's "cannot write".
                throw new CliFailure($"the export broke off after {lines} keys ({e.Message})");
            }

            if (line is null)
            {
                break;
            }

            await target.WriteLineAsync(line);
            lines++;
        }

        await target.FlushAsync(cancel);
        return lines;
    }
}
