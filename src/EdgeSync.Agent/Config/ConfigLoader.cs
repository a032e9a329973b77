using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace EdgeSync.Agent.Config;

/// <summary>
/// Layers the configuration as SPEC §8 says: JSON file, then <c>EDGESYNC_</c> environment
/// variables (<c>__</c> nests), then flags; then every section validates itself.
/// </summary>
public static class ConfigLoader
{
    public const string DeviceConfigFile = "/etc/edgesync/edgesync.json";
    public const string EnvPrefix = "EDGESYNC_";

    public static AgentConfig Load(RunOverrides flags, IDictionary<string, string?>? environment = null)
    {
        var builder = new ConfigurationBuilder();
        var file = flags.ConfigFile;
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw new ConfigException([$"--config {file}: no such file"]);
            }
        }
        else if (File.Exists(DeviceConfigFile))
        {
            file = DeviceConfigFile;
        }

        if (file is not null)
        {
            CheckJson(file);
            builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }

        if (environment is null)
        {
            builder.AddEnvironmentVariables(EnvPrefix);
        }
        else
        {
            builder.AddInMemoryCollection(FromEnvironment(environment));
        }

        var errors = new List<string>();
        AgentConfig config;
        try
        {
            config = AgentConfig.Read(builder.Build(), errors);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
        {
            throw new ConfigException([$"{file}: {e.Message}"]);
        }

        Apply(flags, config);
        errors.AddRange(config.Validate());
        return errors.Count > 0 ? throw new ConfigException(errors) : config;
    }

    private static void Apply(RunOverrides flags, AgentConfig config)
    {
        if (flags.NodeId is not null)
        {
            config.Node.Id = flags.NodeId;
        }

        if (flags.DataDir is not null)
        {
            config.Node.DataDir = flags.DataDir;
        }

        if (flags.Api is not null)
        {
            config.Api.Listen = flags.Api;
        }

        if (flags.Broker is not null)
        {
            config.Mqtt.Brokers = [flags.Broker];
        }
    }

    /// <summary>Parse the file ourselves first: the provider's error does not say where the mistake is.</summary>
    private static void CheckJson(string file)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file), new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigException([$"{file}: the top level must be a JSON object"]);
            }
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            throw new ConfigException([$"{file} line {line}, column {column}: malformed JSON"]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([$"{file}: cannot read ({e.Message})"]);
        }
    }

    /// <summary>The same mapping the environment provider does, for tests that pass their own variables.</summary>
    private static IEnumerable<KeyValuePair<string, string?>> FromEnvironment(IDictionary<string, string?> env) =>
        env.Where(e => e.Key.StartsWith(EnvPrefix, StringComparison.OrdinalIgnoreCase))
            .Select(e => new KeyValuePair<string, string?>(e.Key[EnvPrefix.Length..].Replace("__", ":", StringComparison.Ordinal), e.Value));
}
