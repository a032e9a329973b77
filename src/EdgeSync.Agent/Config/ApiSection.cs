using System.Globalization;
using System.Net;

namespace EdgeSync.Agent.Config;

/// <summary>Config section <c>Api</c>: the HTTP endpoint.</summary>
public sealed class ApiSection
{
    public const string DefaultListen = "127.0.0.1:7070";

    public string Listen { get; set; } = DefaultListen;

    /// <summary>When set, every /v1 request must carry <c>Authorization: Bearer {Token}</c>.</summary>
    public string? Token { get; set; }

    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    public static ApiSection Read(SectionReader r)
    {
        var s = new ApiSection();
        s.Listen = r.String(nameof(Listen), s.Listen);
        s.Token = r.OptionalString(nameof(Token));
        s.MaxRequestBytes = r.Long(nameof(MaxRequestBytes), s.MaxRequestBytes);
        r.RejectUnknown();
        return s;
    }

    public IEnumerable<string> Validate()
    {
        if (!TryParseEndpoint(Listen, out var endpoint))
        {
            yield return $"Api:Listen must be ADDRESS:PORT with an IP address (or localhost) and a port 1-65535 (got '{Listen}')";
        }
        else if (!IPAddress.IsLoopback(endpoint.Address) && Token is null)
        {
            // Anyone on the network could write into the fleet otherwise.
            yield return $"Api:Listen '{Listen}' is reachable from the network, so Api:Token must be set (clients send 'Authorization: Bearer <token>'); or listen on 127.0.0.1";
        }

        if (MaxRequestBytes is < 1024 or > 64L * 1024 * 1024)
        {
            yield return $"Api:MaxRequestBytes must be between 1024 and 67108864 (got {MaxRequestBytes})";
        }

        if (Token is { Length: < 8 })
        {
            yield return "Api:Token must be at least 8 characters (got a shorter one)";
        }
    }

    public IPEndPoint Endpoint => TryParseEndpoint(Listen, out var ep) ? ep : throw new InvalidOperationException("Api:Listen was not validated.");

    public static bool TryParseEndpoint(string? text, out IPEndPoint endpoint)
    {
        endpoint = new IPEndPoint(IPAddress.Loopback, 0);
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            endpoint = new IPEndPoint(IPAddress.Loopback, port);
            return true;
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            return false;
        }

        endpoint = new IPEndPoint(address, port);
        return true;
    }
}
