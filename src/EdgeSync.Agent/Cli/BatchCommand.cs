using System.CommandLine;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeSync.Agent.Http;

namespace EdgeSync.Agent.Cli;

/// <summary>
/// <c>batch FILE|-</c>: many writes from JSON lines (<c>{"key":K,"value":V}</c> or
/// <c>{"key":K,"delete":true}</c>, optionally with <c>"context"</c>), sent as <c>POST /v1/batch</c>
/// requests of up to 1,000 writes. A shell loop of <c>edgesync put</c> starts a process per write.
/// </summary>
public static partial class BatchCommand
{
    // Well under the agent's default Api:MaxRequestBytes (1 MiB); a longer line goes alone.
    private const int ChunkBytes = 512 * 1024;

    public static Command Build(ClientOptions client)
    {
        var file = new Argument<string>("FILE") { Description = "JSON lines, one write each: {\"key\":K,\"value\":V} or {\"key\":K,\"delete\":true}, optionally with \"context\"; '-' reads standard input." };
        var consistency = new Option<string?>("--consistency") { Description = "one (default), quorum or all, for every write", HelpName = "LEVEL" };
        var command = new Command("batch", "Make many writes from a file of JSON lines, up to 1,000 per request.") { file, consistency };
        client.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            var path = parse.GetValue(file)!;
            await using var spool = path == "-" ? Spool() : null;
            var lines = await CheckedAsync(path, spool, cancel);
            var query = parse.GetValue(consistency) is { } level ? "?consistency=" + Uri.EscapeDataString(level) : string.Empty;
            using var agent = client.Create(parse);
            var (written, failed) = (0, 0);
            await foreach (var chunk in ChunksAsync(lines))
            {
                JsonElement answer;
                try
                {
                    var body = "{\"writes\":[" + string.Join(",", chunk.Select(l => l.Text)) + "]}";
                    answer = await agent.SendAsync(HttpMethod.Post, "v1/batch" + query, body, null, cancel);
                }
                catch (CliFailure e)
                {
                    // The agent names the write by its place in the request; the user knows lines.
                    var message = WriteIndex().Replace(e.Message, m => "line " + chunk[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)].Number.ToString(CultureInfo.InvariantCulture));
                    throw new CliFailure(written + failed == 0 ? message : $"{message} (the {written + failed} writes before line {chunk[0].Number} were sent)", e.ExitCode);
                }

                var results = answer.GetProperty("results").EnumerateArray().ToList();
                for (var i = 0; i < results.Count; i++)
                {
                    if (results[i].TryGetProperty("error", out var error))
                    {
                        failed++;
                        await parse.InvocationConfiguration.Error.WriteLineAsync(
                            $"edgesync: line {chunk[i].Number} (key '{results[i].GetProperty("key").GetString()}'): {error.GetString()}: {results[i].GetProperty("message").GetString()}");
                    }
                    else
                    {
                        written++;
                    }
                }
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync($"wrote {written} of {written + failed} writes" + (failed > 0 ? $"; {failed} refused (above)" : string.Empty));
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>
    /// Checks every line before anything is sent, then gives the lines to send. A file is read twice,
    /// so its size is not bounded by memory; standard input cannot be read again, so it is copied to
    /// <paramref name="spool"/> as it is checked, blank lines too (the line numbers stay the same), and
    /// sent from there.
    /// </summary>
    private static async Task<IAsyncEnumerable<Line>> CheckedAsync(string path, FileStream? spool, CancellationToken cancel)
    {
        var count = 0;
        try
        {
            await using var copy = spool is null ? null : new StreamWriter(spool, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
            await foreach (var _ in ReadAsync(() => Open(path), path, copy, cancel))
            {
                count++;
            }
        }
        catch (IOException e) when (spool is not null)
        {
            throw SpoolFailure(e); // reading errors are already CliFailures: this is the copy
        }

        if (count == 0)
        {
            throw new CliFailure($"{path} holds no writes");
        }

        if (spool is null)
        {
            return ReadAsync(() => Open(path), path, null, cancel);
        }

        spool.Position = 0;
        return ReadAsync(() => new StreamReader(spool, new UTF8Encoding(false, true), false, 64 * 1024, leaveOpen: true), path, null, cancel);
    }

    /// <summary>A temporary file for standard input, removed when closed.</summary>
    private static FileStream Spool()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgesync-batch-{Guid.NewGuid():N}.ndjson");
        try
        {
            return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw SpoolFailure(e);
        }
    }

    private static CliFailure SpoolFailure(Exception e) =>
        new($"cannot keep standard input in {Path.GetTempPath()} to check it before sending (set TMPDIR to another directory): {e.Message}; nothing was sent");

    /// <summary>Every non-blank line, each checked to be a JSON object; every line read is also written to <paramref name="copy"/>.</summary>
    private static async IAsyncEnumerable<Line> ReadAsync(Func<TextReader> open, string path, TextWriter? copy, [EnumeratorCancellation] CancellationToken cancel)
    {
        using var reader = open();
        var number = 0;
        while (await Next(reader, path, cancel) is { } line)
        {
            number++;
            if (copy is not null)
            {
                await copy.WriteLineAsync(line.AsMemory(), cancel);
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new CliFailure($"line {number} is not a JSON object; nothing was sent");
                }
            }
            catch (JsonException e)
            {
                throw new CliFailure($"line {number} is not valid JSON ({e.Message}); nothing was sent");
            }

            yield return new Line(number, line.Trim());
        }
    }

    private static TextReader Open(string path)
    {
        if (path == "-")
        {
            return new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false, true));
        }

        try
        {
            return new StreamReader(path, new UTF8Encoding(false, true));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliFailure($"cannot read {path}: {e.Message}");
        }
    }

    private static async Task<string?> Next(TextReader reader, string path, CancellationToken cancel)
    {
        try
        {
            return await reader.ReadLineAsync(cancel);
        }
        catch (Exception e) when (e is IOException or DecoderFallbackException)
        {
            throw new CliFailure($"cannot read {path}: {e.Message}");
        }
    }

    private static async IAsyncEnumerable<List<Line>> ChunksAsync(IAsyncEnumerable<Line> lines)
    {
        var chunk = new List<Line>();
        var bytes = 0;
        await foreach (var line in lines)
        {
            var size = Encoding.UTF8.GetByteCount(line.Text) + 1;
            if (chunk.Count == BatchEndpoint.MaxWrites || (chunk.Count > 0 && bytes + size > ChunkBytes))
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }

            chunk.Add(line);
            bytes += size;
        }

        yield return chunk;
    }

    /// <summary>One write: its line number in the input (for messages) and its JSON text.</summary>
    private readonly record struct Line(int Number, string Text);

    [GeneratedRegex(@"writes\[(\d+)\]")]
    private static partial Regex WriteIndex();
}
