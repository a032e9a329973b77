namespace EdgeSync.Agent.Config;

/// <summary>Config section <c>Mqtt</c>: brokers (failover order) and credentials.</summary>
public sealed class MqttSection
{
    public const string Embedded = "embedded";

    /// <summary><c>embedded</c> or <c>mqtt://host:port</c> / <c>mqtts://host:port</c>; empty = no broker (a fleet of one).</summary>
    public IReadOnlyList<string> Brokers { get; set; } = [];

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>PEM file of the CA that signed the broker's certificate (mqtts).</summary>
    public string? CaFile { get; set; }

    public static MqttSection Read(SectionReader r)
    {
        var s = new MqttSection();
        s.Brokers = r.List(nameof(Brokers)) ?? s.Brokers;
        s.Username = r.OptionalString(nameof(Username));
        s.Password = r.OptionalString(nameof(Password));
        s.CaFile = r.OptionalString(nameof(CaFile));
        r.RejectUnknown();
        return s;
    }

    public IEnumerable<string> Validate()
    {
        foreach (var broker in Brokers)
        {
            if (!IsValidBroker(broker))
            {
                yield return $"Mqtt:Brokers contains '{broker}'; use 'embedded' or mqtt://HOST:PORT (or mqtts://)";
            }
        }

        if (Password is not null && Username is null)
        {
            yield return "Mqtt:Password is set but Mqtt:Username is not";
        }

        if (CaFile is not null && !File.Exists(CaFile))
        {
            yield return $"Mqtt:CaFile '{CaFile}' does not exist";
        }
    }

    public static bool IsValidBroker(string text)
    {
        if (string.Equals(text, Embedded, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri)
            && uri.Scheme is "mqtt" or "mqtts"
            && uri.Host.Length > 0
            && uri.AbsolutePath is "" or "/"
            && string.IsNullOrEmpty(uri.Query);
    }
}
