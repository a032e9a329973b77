using System.Diagnostics.CodeAnalysis;

namespace EdgeSync.Agent.Mqtt;

/// <summary>One entry of <c>Mqtt:Brokers</c>: <c>mqtt://host[:1883]</c> or <c>mqtts://host[:8883]</c>.</summary>
public sealed record BrokerEndpoint(string Host, int Port, bool UseTls)
{
    public override string ToString() => $"{(UseTls ? "mqtts" : "mqtt")}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}";

    public static BrokerEndpoint Parse(string url) =>
        TryParse(url, out var endpoint, out var error) ? endpoint : throw new FormatException(error);

    /// <summary>Parses a broker URL; on failure <paramref name="error"/> is one sentence naming the problem.</summary>
    public static bool TryParse(string? url, [NotNullWhen(true)] out BrokerEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            error = $"'{url}' is not a broker URL; expected mqtt://host:port or mqtts://host:port.";
            return false;
        }

        bool tls;
        switch (uri.Scheme)
        {
            case "mqtt" or "tcp":
                tls = false;
                break;
            case "mqtts" or "ssl":
                tls = true;
                break;
            default:
                error = $"'{url}' has scheme '{uri.Scheme}'; expected mqtt:// or mqtts://.";
                return false;
        }

        if (string.IsNullOrEmpty(uri.Host) || (uri.AbsolutePath is not ("/" or "")) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            error = $"'{url}' must be just scheme, host and port (credentials go in Mqtt:Username/Mqtt:Password).";
            return false;
        }

        var port = uri.IsDefaultPort || uri.Port < 0 ? (tls ? 8883 : 1883) : uri.Port;
        if (port is < 1 or > 65535)
        {
            error = $"'{url}' has port {port}; expected 1-65535.";
            return false;
        }

        endpoint = new BrokerEndpoint(uri.IdnHost.Trim('[', ']'), port, tls);
        error = null;
        return true;
    }
}
