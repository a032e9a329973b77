using System.Net;
using System.Text;
using System.Text.Json;

namespace EdgeSync.Agent.Tests.Http;

/// <summary>Small helpers for talking to the agent's HTTP API in tests.</summary>
public static class Api
{
    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(
        HttpClient http, HttpMethod method, string path, string? body = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return (response.StatusCode, doc.RootElement.Clone(), response);
    }

    public static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PutAsync(HttpClient http, string key, string json, params (string, string)[] headers) =>
        SendAsync(http, HttpMethod.Put, "v1/kv/" + key, json, headers);

    public static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> GetAsync(HttpClient http, string key, params (string, string)[] headers) =>
        SendAsync(http, HttpMethod.Get, "v1/kv/" + key, null, headers);

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : throw new Xunit.Sdk.XunitException($"No {name} header");

    /// <summary>The origin the node's updates carry (<c>actor</c> in /v1/status).</summary>
    public static async Task<string> ActorAsync(HttpClient http) =>
        (await SendAsync(http, HttpMethod.Get, "v1/status")).Body.GetProperty("actor").GetString()!;

    public static string[] Values(JsonElement body) => [.. body.GetProperty("values").EnumerateArray().Select(v => v.GetRawText())];
}
