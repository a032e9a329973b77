namespace EdgeSync.Agent.Cli;

/// <summary>
/// A session token kept in a file between CLI calls. A missing or empty file is a new session;
/// writes go through a temporary file and a rename, so a crash never leaves half a token.
/// </summary>
public sealed class SessionFile(string path)
{
    public string Path { get; } = path;

    public string? Read()
    {
        try
        {
            var text = File.Exists(Path) ? File.ReadAllText(Path).Trim() : string.Empty;
            return text.Length == 0 ? null : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliFailure($"cannot read the session file '{Path}' ({e.Message})");
        }
    }

    public void Write(string token)
    {
        try
        {
            var temp = Path + ".tmp";
            File.WriteAllText(temp, token + "\n");
            File.Move(temp, Path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliFailure($"cannot write the session file '{Path}' ({e.Message})");
        }
    }
}
