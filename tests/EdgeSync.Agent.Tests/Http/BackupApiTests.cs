using System.Net;
using System.Text.Json;
using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Http;

/// <summary>
/// GET /v1/export and POST /v1/import between two real agents: values, deletes and siblings survive
/// the trip with their causal state; importing again changes nothing; a delete made after the export
/// is not undone by importing it again; a bad line is refused with its number.
/// </summary>
public sealed class BackupApiTests : IAsyncLifetime
{
    private readonly TempDir _sourceDir = new();
    private readonly TempDir _targetDir = new();
    private AgentProcess _source = null!;
    private AgentProcess _target = null!;

    public async Task InitializeAsync()
    {
        _source = await AgentProcess.StartAsync(_sourceDir.Path, "src");
        _target = await AgentProcess.StartAsync(_targetDir.Path, "dst");
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        _sourceDir.Dispose();
        _targetDir.Dispose();
    }

    [Fact]
    public async Task An_export_imported_elsewhere_keeps_values_deletes_and_siblings_and_never_undoes_a_later_delete()
    {
        var src = _source.Http;
        Assert.Equal(HttpStatusCode.OK, (await Api.PutAsync(src, "b/a", """{"x":1}""")).Status);
        await Api.PutAsync(src, "b/gone", "1");
        Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(src, HttpMethod.Delete, "v1/kv/b/gone")).Status);
        var first = await Api.PutAsync(src, "b/sib", "1");
        var context = first.Body.GetProperty("context").GetString()!;
        await Api.PutAsync(src, "b/sib", "2", ("EdgeSync-Context", context));
        await Api.PutAsync(src, "b/sib", "3", ("EdgeSync-Context", context));
        await Api.PutAsync(src, "other/x", "9");

        using var export = await src.GetAsync("v1/export?prefix=b/");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/x-ndjson", export.Content.Headers.ContentType?.MediaType);
        var lines = (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["b/a", "b/gone", "b/sib"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("key").GetString()));
        var ndjson = string.Join('\n', lines) + "\n";

        var imported = await ImportAsync(ndjson);
        Assert.Equal(HttpStatusCode.OK, imported.Status);
        Assert.Equal(3, imported.Body.GetProperty("keys").GetInt32());
        Assert.Equal(3, imported.Body.GetProperty("changed").GetInt32());

        var dst = _target.Http;
        Assert.Equal(["""{"x":1}"""], Api.Values((await Api.GetAsync(dst, "b/a")).Body));
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync(dst, "b/gone")).Status);
        var sib = (await Api.GetAsync(dst, "b/sib")).Body;
        Assert.True(sib.GetProperty("conflict").GetBoolean());
        Assert.Equal(["2", "3"], Api.Values(sib).Order(StringComparer.Ordinal));
        Assert.Equal((await Api.GetAsync(src, "b/sib")).Body.GetProperty("context").GetString(), sib.GetProperty("context").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync(dst, "other/x")).Status);

        var again = await ImportAsync(ndjson);
        Assert.Equal(0, again.Body.GetProperty("changed").GetInt32());
        Assert.Equal(3, again.Body.GetProperty("unchanged").GetInt32());

        // Deleted after the export: the old state's update is covered by the delete, so it stays deleted.
        Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(dst, HttpMethod.Delete, "v1/kv/b/a")).Status);
        await ImportAsync(ndjson);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync(dst, "b/a")).Status);
    }

    [Fact]
    public async Task An_export_of_several_pages_has_every_key_once_in_order_and_imports_whole()
    {
        var keys = Enumerable.Range(0, 1_234).Select(i => $"many/{i:D5}").ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, _) =>
            Assert.Equal(HttpStatusCode.OK, (await Api.PutAsync(_source.Http, key, "1")).Status));

        var lines = (await _source.Http.GetStringAsync("v1/export?prefix=many/")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(keys, lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("key").GetString()));

        var imported = await ImportAsync(string.Join('\n', lines)); // no newline after the last line
        Assert.Equal(keys.Count, imported.Body.GetProperty("changed").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync(_target.Http, keys[^1])).Status);
    }

    [Theory]
    [InlineData("not json", "is not JSON")]
    [InlineData("[1,2]", "is not a JSON object")]
    [InlineData("""{"key":"k"}""", "has no base64 \"state\"")]
    [InlineData("""{"state":"AAAA"}""", "holds no valid key state")]
    public async Task A_bad_line_is_refused_with_its_number_and_the_lines_before_it_are_kept(string bad, string why)
    {
        await Api.PutAsync(_source.Http, "good/k", "1");
        var good = (await _source.Http.GetStringAsync("v1/export?prefix=good/")).Trim();

        var refused = await ImportAsync($"{good}\n\n{bad}\n{good}\n");
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_import", refused.Body.GetProperty("error").GetString());
        Assert.StartsWith($"Line 3 {why}", refused.Body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(["1"], Api.Values((await Api.GetAsync(_target.Http, "good/k")).Body)); // its first batch still landed
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> ImportAsync(string ndjson)
    {
        using var content = new StringContent(ndjson, System.Text.Encoding.UTF8, "application/x-ndjson");
        using var response = await _target.Http.PostAsync("v1/import", content);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, doc.RootElement.Clone());
    }
}
