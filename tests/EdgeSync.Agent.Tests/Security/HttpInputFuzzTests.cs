using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;
using EdgeSync.Agent.Config;
using EdgeSync.Agent.Hosting;
using EdgeSync.Agent.Tests.Process;
using Microsoft.AspNetCore.Builder;

namespace EdgeSync.Agent.Tests.Security;

/// <summary>
/// Hostile HTTP input against an in-process agent (the real host, Kestrel on loopback): random
/// methods, keys (control characters, bad UTF-8 escapes, over-long), query parameters, causal
/// context and session headers, and bodies (non-JSON, deep, oversized). Never a 5xx, every error is
/// <c>{"error","message"}</c>, and a refused request leaves the store exactly as it was.
/// </summary>
public sealed class HttpInputFuzzTests : IAsyncLifetime
{
    private static readonly string[] Methods = ["GET", "PUT", "DELETE", "POST", "PATCH", "HEAD"];
    private readonly TempDir _dir = new();
    private AgentStore _store = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var port = FreePort.Next();
        var config = new AgentConfig
        {
            Node = new NodeSection { Id = "fuzz", DataDir = _dir.Path },
            Api = new ApiSection { Listen = $"127.0.0.1:{port}", MaxRequestBytes = 4096 },
            Store = new StoreSection { Engine = StoreSection.Memory, MaxValueBytes = 1024 },
        };
        config.Gpio.Driver = "none";
        _store = new AgentStore(config, TimeProvider.System);
        _app = AgentHost.Build(config, _store);
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Hostile_requests_get_a_clear_4xx_and_change_nothing()
    {
        var accepted = 0;
        var refused = 0;
        var kestrelRefused = 0;
        var requests = Gen.Select(Gen.OneOfConst(Methods), Key, Query, Headers, Body);
        await Task.Run(() => requests.Sample((method, key, query, headers, body) =>
        {
            var before = Snapshot();
            // An uncovered (forged) session token waits out the timeout: keep that wait short.
            var fullQuery = query.Contains("timeout", StringComparison.Ordinal) ? query : (query.Length == 0 ? "?" : query + "&") + "timeout=5ms";
            using var request = new HttpRequestMessage(new HttpMethod(method), "v1/kv" + key + fullQuery);

            // Kestrel closes a connection after refusing an oversized body; a fresh one per case keeps
            // the client from reusing a half-closed one.
            request.Headers.ConnectionClose = true;
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            if (body is not null && method is not ("GET" or "HEAD"))
            {
                request.Content = new ByteArrayContent(body);
            }

            using var response = _http.Send(request);
            var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            var status = (int)response.StatusCode;
            Assert.True(status < 500, $"{method} {key}{query} -> {status} {text}");
            if (status >= 400)
            {
                refused++;
                if (method == "HEAD")
                {
                    // No body by definition.
                }
                else if (text.Length == 0)
                {
                    // Kestrel refuses some request targets (e.g. an escaped NUL) before any middleware runs.
                    Assert.True(status == 400 && key.Contains("%00", StringComparison.Ordinal), $"{method} {key}{query} -> {status} with no body");
                    kestrelRefused++;
                }
                else
                {
                    using var doc = JsonDocument.Parse(text);
                    Assert.Equal(JsonValueKind.String, doc.RootElement.GetProperty("error").ValueKind);
                    Assert.False(string.IsNullOrWhiteSpace(doc.RootElement.GetProperty("message").GetString()));
                }

                Assert.Equal(before, Snapshot());
            }
            else
            {
                accepted++;
            }
        }, iter: MessageAuthenticatorTests.FuzzIterations, threads: 1));
        Assert.True(accepted > 0 && refused > 0, $"accepted {accepted}, refused {refused}");
    }

    [Fact]
    public async Task Hostile_batches_are_refused_whole_or_answered_write_by_write()
    {
        var (accepted, refused) = (0, 0);
        await Task.Run(() => BatchBody.Sample(body =>
        {
            var before = Snapshot();
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/batch") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
            request.Headers.ConnectionClose = true;
            using var response = _http.Send(request);
            var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            var status = (int)response.StatusCode;
            Assert.True(status is 200 or 400 or 413, $"{body} -> {status} {text}");
            using var doc = JsonDocument.Parse(text);
            if (status == 200)
            {
                accepted++;
                using var sent = JsonDocument.Parse(body);
                Assert.Equal(sent.RootElement.GetProperty("writes").GetArrayLength(), doc.RootElement.GetProperty("results").GetArrayLength());
            }
            else
            {
                refused++;
                Assert.False(string.IsNullOrWhiteSpace(doc.RootElement.GetProperty("message").GetString()));
                Assert.Equal(before, Snapshot());
            }
        }, iter: MessageAuthenticatorTests.FuzzIterations / 4, threads: 1));
        Assert.True(accepted > 0 && refused > 0, $"accepted {accepted}, refused {refused}");
    }

    private string Snapshot() => _store.Service.Read(r => $"{r.Applied} {r.LiveKeys} {r.Tree.Root}");

    private static readonly Gen<string> Garbage = Gen.Char[(char)0, (char)0x2FF].Array[0, 12].Select(c => new string(c));

    private static readonly Gen<string> Key = Gen.Frequency(
        (4, Gen.OneOfConst("/a", "/b/c", "/sensors/x")),
        (3, Garbage.Select(s => "/" + Uri.EscapeDataString(s))),
        (1, Gen.OneOfConst("", "/", "//", "/%00", "/%FF%FE", "/%C0%AF", "/a%0Ab", "/..%2F..", "/" + new string('k', 513), "/" + string.Concat(Enumerable.Repeat("%E2%82%AC", 200)))));

    private static readonly Gen<string> Token = Gen.Frequency(
        (2, Gen.OneOfConst("ZnV6ejox", "YTox", "", "!!!", "ZnV6ejo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", new string('A', 3000))),
        (2, Gen.Char['!', '~'].Array[0, 40].Select(c => new string(c))));

    private static readonly Gen<string> Query = Gen.Frequency(
        (3, Gen.Const("")),
        (2, Gen.Select(Gen.OneOfConst("consistency", "timeout", "prefix", "limit", "since", "x"), Gen.OneOfConst("one", "quorum", "all", "", "ALL", "-1", "0", "99999999999", "1ms", "61s", "2h", "%00", "%ZZ", "10"))
            .Select(t => $"?{t.Item1}={t.Item2}")),
        (1, Gen.Const("?consistency=one&consistency=all")));

    private static readonly Gen<(string, string)[]> Headers = Gen.Select(Gen.OneOfConst("EdgeSync-Context", "EdgeSync-Session", "Authorization", "Content-Type", "X-Other"), Token).Array[0, 3];

    private static readonly Gen<byte[]?> Body = Gen.Frequency(
        (1, Gen.Const((byte[]?)null)),
        (3, Gen.OneOfConst("1", "\"x\"", "{\"a\":[1,2,{\"b\":null}]}", "", "{", "nul", "[1,]", "{\"a\":1}{", new string('[', 100) + new string(']', 100), "\"" + new string('v', 1100) + "\"")
            .Select(s => (byte[]?)Encoding.UTF8.GetBytes(s))),
        (2, Gen.Byte.Array[0, 64].Select(b => (byte[]?)b)),
        (1, Gen.Int[4000, 6000].Select(n => (byte[]?)Encoding.UTF8.GetBytes("\"" + new string('z', n) + "\""))));

    private static readonly Gen<string> BatchField = Gen.Frequency(
        (6, Gen.Select(Gen.OneOfConst("key", "value", "delete", "context", "vlaue", ""), Gen.Frequency(
            (3, Gen.OneOfConst("\"b/1\"", "\"b/2\"", "1", "true", "false", "null", "{\"x\":[1]}", "\"\"", "\"ZnV6ejox\"", "\"!!\"", "\"" + new string('v', 1100) + "\"", new string('[', 70) + new string(']', 70))),
            (1, Garbage.Select(g => JsonSerializer.Serialize(g)))))
            .Select(f => $"\"{f.Item1}\":{f.Item2}")),
        (1, Gen.OneOfConst("\"key\":", ",", "\"key\":\"b/3\",\"value\":1")));

    private static readonly Gen<string> BatchWriteGen = Gen.Frequency(
        (4, BatchField.Array[0, 4].Select(f => "{" + string.Join(",", f) + "}")),
        (2, Gen.OneOfConst("{\"key\":\"b/ok\",\"value\":1}", "{\"key\":\"b/ok\",\"delete\":true}")),
        (1, Gen.OneOfConst("1", "null", "[]", "\"b/1\"")));

    private static readonly Gen<string> BatchBody = Gen.Frequency(
        (6, BatchWriteGen.Array[0, 6].Select(w => "{\"writes\":[" + string.Join(",", w) + "]}")),
        (1, Gen.OneOfConst("", "{", "[]", "{\"writes\":{}}", "{\"writes\":[],\"x\":1}", "{\"writes\":[{\"key\":\"b/1\",\"value\":1}],\"more\":2}", "{\"writes\":[" + new string('{', 5) + "]}")),
        (1, Garbage));
}
