using System.Net;
using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Http;

/// <summary>SPEC §7: bad input is a 400 with a JSON error and changes nothing.</summary>
[Collection(AgentCollection.Name)]
public sealed class BadInputTests(AgentFixture fixture)
{
    private HttpClient Http => fixture.Http;

    public static TheoryData<string, string, string> BadPuts => new()
    {
        // key path, body, expected error code
        { "bad/json", "{\"unterminated\": ", "invalid_value" },
        { "bad/json2", "not json at all", "invalid_value" },
        { "bad/empty", string.Empty, "invalid_value" },
        { "bad/ctl%01key", "1", "invalid_key" },
        { "bad/utf8%FF", "1", "invalid_key" },
        { new string('k', 513), "1", "invalid_key" },
        { "bad/cons?consistency=most", "1", "invalid_parameter" },
        { "bad/timeout?timeout=soon", "1", "invalid_parameter" },
    };

    [Theory]
    [MemberData(nameof(BadPuts))]
    public async Task Bad_put_is_400_with_a_json_error_and_no_change(string path, string body, string code)
    {
        var before = await StatusKeysAsync();
        var put = await Api.SendAsync(Http, HttpMethod.Put, "v1/kv/" + path, body);
        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        Assert.Equal(code, put.Body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(put.Body.GetProperty("message").GetString()));
        Assert.Equal(before, await StatusKeysAsync());
    }

    [Fact]
    public async Task Oversized_value_is_400_value_too_large_and_not_stored()
    {
        var big = "\"" + new string('x', (256 * 1024) + 10) + "\"";
        var put = await Api.PutAsync(Http, "bad/big", big);
        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        Assert.Equal("value_too_large", put.Body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync(Http, "bad/big")).Status);

        // Exactly at the limit is fine.
        var max = "\"" + new string('x', (256 * 1024) - 2) + "\"";
        Assert.Equal(HttpStatusCode.OK, (await Api.PutAsync(Http, "bad/max", max)).Status);
    }

    [Fact]
    public async Task Bad_put_does_not_overwrite_an_existing_value()
    {
        await Api.PutAsync(Http, "bad/keep", "\"good\"");
        Assert.Equal(HttpStatusCode.BadRequest, (await Api.PutAsync(Http, "bad/keep", "{oops")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Api.SendAsync(Http, HttpMethod.Put, "v1/kv/bad/keep?consistency=eventual", "\"other\"")).Status);
        Assert.Equal(["\"good\""], Api.Values((await Api.GetAsync(Http, "bad/keep")).Body));
    }

    [Fact]
    public async Task Missing_key_is_404_not_found()
    {
        var get = await Api.GetAsync(Http, "bad/never-written");
        Assert.Equal(HttpStatusCode.NotFound, get.Status);
        Assert.Equal("not_found", get.Body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("EdgeSync-Context", "invalid_context")]
    [InlineData("EdgeSync-Session", "invalid_session")]
    public async Task Garbage_tokens_are_400(string header, string code)
    {
        var put = await Api.PutAsync(Http, "bad/token", "1", (header, "%%%not-a-token"));
        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        Assert.Equal(code, put.Body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("v1/kv?limit=0")]
    [InlineData("v1/kv?limit=abc")]
    [InlineData("v1/kv?consistency=strong")]
    [InlineData("v1/kv/bad/x?consistency=ONE2")]
    public async Task Bad_query_parameters_are_400(string path)
    {
        var get = await Api.SendAsync(Http, HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.BadRequest, get.Status);
        Assert.Equal("invalid_parameter", get.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Unknown_endpoint_is_a_json_404()
    {
        var get = await Api.SendAsync(Http, HttpMethod.Get, "v2/nothing");
        Assert.Equal(HttpStatusCode.NotFound, get.Status);
        Assert.Equal("not_found", get.Body.GetProperty("error").GetString());
    }

    private async Task<long> StatusKeysAsync() =>
        (await Api.SendAsync(Http, HttpMethod.Get, "v1/status")).Body.GetProperty("keys").GetInt64();
}
