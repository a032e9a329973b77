using System.CommandLine;

namespace EdgeSync.Agent.Cli;

/// <summary>Options every client command takes, and how they make an <see cref="AgentClient"/>.</summary>
public sealed class ClientOptions
{
    public const string DefaultApi = "http://127.0.0.1:7070";

    public Option<string> Api { get; } = new("--api")
    {
        Description = "The agent's HTTP API: a URL, or ADDRESS:PORT as given to 'edgesync run'",
        DefaultValueFactory = _ => DefaultApi,
        HelpName = "URL",
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "Bearer token, when the agent sets Api:Token",
        HelpName = "TOKEN",
    };

    public Option<string?> Timeout { get; } = new("--timeout")
    {
        Description = "How long to wait for the agent, e.g. 10s (default 30s; export and import: no limit)",
        HelpName = "DURATION",
    };

    public Option<string?> Session { get; } = new("--session")
    {
        Description = "Keep a session in FILE: send its token, store the answer's (read-your-writes and monotonic reads across nodes)",
        HelpName = "FILE",
    };

    /// <summary>
    /// Lets client options come before the command, as in <c>edgesync --api URL get k</c>: moves a
    /// leading run of them (each with its value, or as <c>--opt=value</c>) to just after the command
    /// name. Anything else is returned unchanged, so the parser reports it as before.
    /// </summary>
    public static string[] HoistLeading(string[] args, IReadOnlySet<string> clientCommands)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(clientCommands);
        var names = new[] { "--api", "--token", "--timeout", "--session" };
        var i = 0;
        while (i < args.Length)
        {
            var arg = args[i];
            if (names.Any(n => arg.StartsWith(n + "=", StringComparison.Ordinal)))
            {
                i++;
            }
            else if (names.Contains(arg) && i + 1 < args.Length)
            {
                i += 2;
            }
            else
            {
                break;
            }
        }

        if (i == 0 || i >= args.Length || !clientCommands.Contains(args[i]))
        {
            return args;
        }

        return [args[i], .. args[..i], .. args[(i + 1)..]];
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Session);
        command.Options.Add(Api);
        command.Options.Add(Token);
        command.Options.Add(Timeout);
    }

    public AgentClient Create(ParseResult parse) => Create(parse, TimeSpan.FromSeconds(30));

    /// <summary>With <paramref name="unlessGiven"/> as the limit when <c>--timeout</c> is not given.</summary>
    public AgentClient Create(ParseResult parse, TimeSpan unlessGiven)
    {
        var timeout = unlessGiven;
        if (parse.GetValue(Timeout) is { } t && !Config.DurationText.TryParse(t, out timeout))
        {
            throw new CliFailure($"--timeout must be {Config.DurationText.Hint} (got '{t}')", ExitCodes.Usage);
        }

        return new AgentClient(parse.GetValue(Api) ?? DefaultApi, parse.GetValue(Token), timeout)
        {
            Session = parse.GetValue(Session) is { } file ? new SessionFile(file) : null,
        };
    }
}
