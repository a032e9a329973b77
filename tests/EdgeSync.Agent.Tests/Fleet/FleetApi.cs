using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>The HTTP calls the fleet tests make against one agent.</summary>
public sealed class FleetApi(HttpClient http)
{
    public async Task PutAsync(string key, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PutAsync("v1/kv/" + key, content);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"PUT {key} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The values (as compact JSON) and the conflict flag; null on 404.</summary>
    public async Task<(List<string> Values, bool Conflict)?> GetAsync(string key)
    {
        using var response = await http.GetAsync("v1/kv/" + key);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GET {key} answered {(int)response.StatusCode}: {body.ToJsonString()}");
        var values = body["values"]!.AsArray().Select(v => v?.ToJsonString() ?? "null").Order(StringComparer.Ordinal).ToList();
        return (values, body["conflict"]!.GetValue<bool>());
    }

    public async Task<JsonNode> StatusAsync() => JsonNode.Parse(await http.GetStringAsync("v1/status"))!;

    public async Task<JsonNode> LeaderAsync() => JsonNode.Parse(await http.GetStringAsync("v1/leader"))!;

    /// <summary>Every live key under the prefix.</summary>
    public async Task<HashSet<string>> KeysAsync(string prefix) => [.. (await ListAsync(prefix)).Keys];

    /// <summary>Every live key under the prefix with its values (compact JSON, sorted, joined by '|'), page by page.</summary>
    public async Task<SortedDictionary<string, string>> ListAsync(string prefix)
    {
        var items = new SortedDictionary<string, string>(StringComparer.Ordinal);
        string? after = null;
        do
        {
            var url = $"v1/kv?prefix={Uri.EscapeDataString(prefix)}&limit=1000" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
            var page = JsonNode.Parse(await http.GetStringAsync(url))!;
            foreach (var item in page["items"]!.AsArray())
            {
                var values = item!["values"]!.AsArray().Select(v => v?.ToJsonString() ?? "null").Order(StringComparer.Ordinal);
                items[item["key"]!.GetValue<string>()] = string.Join('|', values);
            }

            after = page["next"]?.GetValue<string>();
        }
        while (after is not null);
        return items;
    }

    public Task<string> MetricsAsync() => http.GetStringAsync("metrics");

    /// <summary>Sum of a Prometheus metric's samples whose labels contain <paramref name="labelPart"/>.</summary>
    public static double Metric(string text, string name, string labelPart = "")
    {
        double sum = 0;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || (line[name.Length] != ' ' && line[name.Length] != '{'))
                continue;
            var space = line.LastIndexOf(' ');
            if (line[..space].Contains(labelPart, StringComparison.Ordinal))
                sum += double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }

        return sum;
    }
}
