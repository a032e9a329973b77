namespace EdgeSync.Agent.Config;

/// <summary>Config section <c>Mqtt</c>: brokers (failover order) and credentials.</summary>
public sealed class MqttSection
{
    public const string Embedded = "embedded";

    /// <summary><c>embedded</c> or <c>mqtt://host:port</c> / <c>mqtts://host:port</c>; empty = no broker (a fleet of one).</summary>
    public IReadOnlyList<string> Brokers { get; set; } = [];

    /// <summary>Port of the in-process broker when <c>Brokers</c> holds <c>embedded</c> (loopback only).</summary>
    public int EmbeddedPort { get; set; } = 1883;

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>PEM file of the CA that signed the broker's certificate (mqtts).</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM client certificate presented to the broker (with <c>KeyFile</c>).</summary>
    public string? CertFile { get; set; }

    /// <summary>PEM private key of <c>CertFile</c> (omit when the key is inside CertFile).</summary>
    public string? KeyFile { get; set; }

    public static MqttSection Read(SectionReader r)
    {
        var s = new MqttSection();
        s.Brokers = r.List(nameof(Brokers)) ?? s.Brokers;
        s.EmbeddedPort = r.Int(nameof(EmbeddedPort), s.EmbeddedPort);
        s.Username = r.OptionalString(nameof(Username));
        s.Password = r.OptionalString(nameof(Password));
        s.CaFile = r.OptionalString(nameof(CaFile));
        s.CertFile = r.OptionalString(nameof(CertFile));
        s.KeyFile = r.OptionalString(nameof(KeyFile));
        r.RejectUnknown();
        return s;
    }

    public IEnumerable<string> Validate()
    {
        if (EmbeddedPort is < 1 or > 65535)
        {
            yield return $"Mqtt:EmbeddedPort must be a TCP port 1-65535 (got {EmbeddedPort})";
        }

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

        if (CertFile is not null && !File.Exists(CertFile))
        {
            yield return $"Mqtt:CertFile '{CertFile}' does not exist";
        }

        if (KeyFile is not null && !File.Exists(KeyFile))
        {
            yield return $"Mqtt:KeyFile '{KeyFile}' does not exist";
        }

        if (KeyFile is not null && CertFile is null)
        {
            yield return "Mqtt:KeyFile is set but Mqtt:CertFile is not";
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
