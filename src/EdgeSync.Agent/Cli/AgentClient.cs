using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeSync.Agent.Http;

namespace EdgeSync.Agent.Cli;

/// <summary>The CLI's HTTP client for a local agent: every failure becomes one clear <see cref="CliFailure"/>.</summary>
public sealed class AgentClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _base;

    public AgentClient(string api, string? token, TimeSpan timeout)
    {
        // The form 'edgesync run --api' takes (127.0.0.1:7070) works here too: without a scheme, http is meant.
        var url = api.Contains("://", StringComparison.Ordinal) ? api : "http://" + api;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            throw new CliFailure($"--api must be a URL such as http://127.0.0.1:7070, or ADDRESS:PORT as given to 'edgesync run' (got '{api}')", ExitCodes.Usage);
        }

        _base = uri;
        _http = new HttpClient { BaseAddress = uri, Timeout = timeout };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>Where the session token lives between calls (<c>--session FILE</c>), if anywhere.</summary>
    public SessionFile? Session { get; init; }

    public static string KvPath(string key, string? query = null) =>
        "v1/kv/" + KeyPath.Encode(key) + (string.IsNullOrEmpty(query) ? string.Empty : "?" + query);

    /// <summary>Send a request; returns the JSON answer of a 2xx, throws <see cref="CliFailure"/> otherwise.</summary>
    public Task<JsonElement> SendAsync(HttpMethod method, string path, string? json, IDictionary<string, string>? headers, CancellationToken cancel) =>
        SendAsync(method, path, json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"), headers, cancel);

    /// <summary>Send a request with any body (the caller's, disposed with the request).</summary>
    public Task<JsonElement> SendAsync(HttpMethod method, string path, HttpContent content, CancellationToken cancel) =>
        SendAsync(method, path, content, null, cancel);

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, HttpContent? content, IDictionary<string, string>? headers, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (Session?.Read() is { } token)
        {
            request.Headers.TryAddWithoutValidation(RequestOptions.SessionHeader, token);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancel);
        }
        catch (HttpRequestException e)
        {
            throw new CliFailure($"cannot reach the agent at {_base} ({Reason(e)})");
        }
        catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new CliFailure($"the agent at {_base} did not answer within {_http.Timeout.TotalSeconds:0}s");
        }

        using (response)
        {
            if (Session is not null && response.Headers.TryGetValues(RequestOptions.SessionHeader, out var tokens) && tokens.FirstOrDefault() is { Length: > 0 } next)
            {
                Session.Write(next);
            }

            var text = await response.Content.ReadAsStringAsync(cancel);
            JsonElement body;
            try
            {
                using var doc = JsonDocument.Parse(text.Length == 0 ? "null" : text);
                body = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new CliFailure($"the agent at {_base} answered {(int)response.StatusCode} with something that is not JSON");
            }

            if (response.IsSuccessStatusCode)
            {
                return body;
            }

            if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var code))
            {
                var message = body.TryGetProperty("message", out var m) ? m.GetString() : null;
                throw new CliFailure($"{code.GetString()}: {message}");
            }

            throw new CliFailure($"the agent at {_base} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    /// <summary>Open a server-sent event stream; the connect is bounded by the timeout, the stream is not.</summary>
    public async Task<Stream> OpenStreamAsync(string path, CancellationToken cancel)
    {
        try
        {
            var response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancel);
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(cancel);
                response.Dispose();
                throw new CliFailure($"the agent at {_base} answered {(int)response.StatusCode}: {text.Trim()}");
            }

            return await response.Content.ReadAsStreamAsync(cancel);
        }
        catch (HttpRequestException e)
        {
            throw new CliFailure($"cannot reach the agent at {_base} ({Reason(e)})");
        }
    }

    public void Dispose() => _http.Dispose();

    private static string Reason(HttpRequestException e) => e.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused; is `edgesync run` running?",
        SocketException s => s.Message,
        _ when e.StatusCode is HttpStatusCode code => code.ToString(),
        { } inner => inner.Message,
        _ => e.Message,
    };
}
