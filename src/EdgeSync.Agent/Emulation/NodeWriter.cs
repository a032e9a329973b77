using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace EdgeSync.Agent.Emulation;

/// <summary>Writes keys through a node's own HTTP API, exactly as a user's `edgesync put` would.</summary>
public sealed class NodeWriter : IDisposable
{
    private const string ContextHeader = "EdgeSync-Context";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>PUT /v1/kv/{key}; returns a one-line result or throws with the API's error message.</summary>
    public async Task WriteAsync(EmulatedNode node, string key, string json, CancellationToken cancel, string? context = null)
    {
        if (!node.Running)
        {
            throw new InvalidOperationException($"{node.Id} is not running");
        }

        using var request = new HttpRequestMessage(HttpMethod.Put, Url(node, key))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (context is not null)
        {
            request.Headers.Add(ContextHeader, context);
        }

        using var response = await _http.SendAsync(request, cancel);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{node.Id} refused the write: {await ErrorOf(response, cancel)}");
        }
    }

    /// <summary>Increments <c>demo/counter/{node}</c> (read, then write back with the read's context).</summary>
    public async Task<long> IncrementAsync(EmulatedNode node, CancellationToken cancel)
    {
        var key = $"demo/counter/{node.Id}";
        using var response = await _http.GetAsync(Url(node, key), cancel);
        long value = 0;
        string? context = null;
        if (response.StatusCode == HttpStatusCode.OK)
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancel));
            context = doc.RootElement.GetProperty("context").GetString();
            foreach (var v in doc.RootElement.GetProperty("values").EnumerateArray())
            {
                if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n))
                {
                    value = Math.Max(value, n); // siblings after a partition: continue from the highest
                }
            }
        }
        else if (response.StatusCode != HttpStatusCode.NotFound)
        {
            throw new InvalidOperationException($"{node.Id} refused the read: {await ErrorOf(response, cancel)}");
        }

        value++;
        await WriteAsync(node, key, value.ToString(CultureInfo.InvariantCulture), cancel, context);
        return value;
    }

    public void Dispose() => _http.Dispose();

    private static Uri Url(EmulatedNode node, string key) =>
        new($"http://127.0.0.1:{node.ApiPort}/v1/kv/{string.Join('/', key.Split('/').Select(Uri.EscapeDataString))}");

    private static async Task<string> ErrorOf(HttpResponseMessage response, CancellationToken cancel)
    {
        var body = await response.Content.ReadAsStringAsync(cancel);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("message", out var message))
            {
                return $"{(int)response.StatusCode} {message.GetString()}";
            }
        }
        catch (JsonException)
        {
            // Not our JSON error: show the status alone.
        }

        return $"{(int)response.StatusCode} {response.ReasonPhrase}";
    }
}
