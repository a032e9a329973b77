using System.Net;
using System.Text;
using System.Text.Json;
using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Http;

/// <summary><c>POST /v1/batch</c>: many writes in one request, checked as a whole, made in one commit.</summary>
[Collection(AgentCollection.Name)]
public sealed class BatchApiTests(AgentFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task A_batch_makes_every_write_in_order_and_answers_each_with_its_context()
    {
        var post = await PostAsync("""
            {"writes":[
              {"key":"bat/a","value":{"t":21.5}},
              {"key":"bat/b","value":[1,"two",null]},
              {"key":"bat/a","value":"second"},
              {"key":"bat/c","value":true}
            ]}
            """);
        Assert.Equal(HttpStatusCode.OK, post.Status);
        Assert.Equal(0, post.Body.GetProperty("failed").GetInt32());
        Assert.Equal("one", post.Body.GetProperty("consistency").GetString());
        var results = post.Body.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(["bat/a", "bat/b", "bat/a", "bat/c"], results.Select(r => r.GetProperty("key").GetString()));

        // The later write of bat/a superseded the earlier one; each answer's context is the key's context then.
        Assert.Equal(["\"second\""], Api.Values((await Api.GetAsync(Http, "bat/a")).Body));
        Assert.Equal(["[1,\"two\",null]"], Api.Values((await Api.GetAsync(Http, "bat/b")).Body));
        var c = await Api.GetAsync(Http, "bat/c");
        Assert.Equal(["true"], Api.Values(c.Body));
        Assert.Equal(results[3].GetProperty("context").GetString(), c.Body.GetProperty("context").GetString());
        Assert.Equal(results[2].GetProperty("context").GetString(), (await Api.GetAsync(Http, "bat/a")).Body.GetProperty("context").GetString());

        // The session token covers every write: presented with it, a read of each is answered (not 409).
        var session = Api.Header(post.Response, "EdgeSync-Session");
        foreach (var key in new[] { "bat/a", "bat/b", "bat/c" })
        {
            Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync(Http, key, ("EdgeSync-Session", session))).Status);
        }
    }

    [Fact]
    public async Task Deletes_and_contexts_work_as_in_single_requests()
    {
        var first = await Api.PutAsync(Http, "batc/k", "0");
        var context = first.Body.GetProperty("context").GetString()!;
        await Api.PutAsync(Http, "batc/k", "1", ("EdgeSync-Context", context));
        await Api.PutAsync(Http, "batc/k", "2", ("EdgeSync-Context", context));
        await Api.PutAsync(Http, "batc/gone", "3");
        var siblings = await Api.GetAsync(Http, "batc/k");
        Assert.True(siblings.Body.GetProperty("conflict").GetBoolean());

        var merged = siblings.Body.GetProperty("context").GetString();
        var post = await PostAsync($$"""{"writes":[{"key":"batc/k","value":"resolved","context":"{{merged}}"},{"key":"batc/gone","delete":true}]}""");
        Assert.Equal(HttpStatusCode.OK, post.Status);
        Assert.Equal(0, post.Body.GetProperty("failed").GetInt32());

        var resolved = await Api.GetAsync(Http, "batc/k");
        Assert.Equal(["\"resolved\""], Api.Values(resolved.Body));
        Assert.False(resolved.Body.GetProperty("conflict").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync(Http, "batc/gone")).Status);
    }

    [Fact]
    public async Task A_write_the_store_refuses_fails_alone_in_its_place()
    {
        var first = await Api.PutAsync(Http, "batr/many", "0");
        var context = first.Body.GetProperty("context").GetString()!;
        for (var i = 1; i <= 16; i++)
        {
            await Api.PutAsync(Http, "batr/many", $"{i}", ("EdgeSync-Context", context));
        }

        var post = await PostAsync($$"""
            {"writes":[
              {"key":"batr/ok1","value":1},
              {"key":"batr/missing","delete":true},
              {"key":"batr/many","value":17,"context":"{{context}}"},
              {"key":"batr/ok2","value":2}
            ]}
            """);
        Assert.Equal(HttpStatusCode.OK, post.Status);
        Assert.Equal(2, post.Body.GetProperty("failed").GetInt32());
        var results = post.Body.GetProperty("results").EnumerateArray().ToArray();
        Assert.True(results[0].TryGetProperty("context", out _));
        Assert.Equal("not_found", results[1].GetProperty("error").GetString());
        Assert.Equal("too_many_siblings", results[2].GetProperty("error").GetString());
        Assert.False(results[2].TryGetProperty("context", out _));
        Assert.True(results[3].TryGetProperty("context", out _));

        Assert.Equal(["1"], Api.Values((await Api.GetAsync(Http, "batr/ok1")).Body));
        Assert.Equal(["2"], Api.Values((await Api.GetAsync(Http, "batr/ok2")).Body));
        Assert.Equal(16, Api.Values((await Api.GetAsync(Http, "batr/many")).Body).Length);
    }

    public static TheoryData<string, string, string> BadBatches => new()
    {
        { """{"writes":[{"key":"batx/1","value":1},{"key":"","value":2}]}""", "invalid_key", "writes[1]" },
        { """{"writes":[{"key":"batx/2","value":1},{"key":"batx/3","vlaue":2}]}""", "invalid_batch", "writes[1]: Unknown field \"vlaue\"" },
        { """{"writes":[{"key":"batx/4","value":1,"delete":true}]}""", "invalid_batch", "exactly one of" },
        { """{"writes":[{"key":"batx/5"}]}""", "invalid_batch", "exactly one of" },
        { """{"writes":[{"key":"batx/6","value":1,"context":"not-a-context"}]}""", "invalid_context", "writes[0]" },
        { """{"writes":[{"key":7,"value":1}]}""", "invalid_batch", "\"key\" has the wrong type" },
        { """{"writes":[{"key":"batx/8","value":1},"batx/9"]}""", "invalid_batch", "writes[1]: Not an object" },
        { """{"writes":[{"key":"batx/10","value":1}],"extra":1}""", "invalid_batch", "\"extra\"" },
        { """{"writes":[]}""", "invalid_batch", "1 to 1000 writes (got 0)" },
        { """[{"key":"batx/11","value":1}]""", "invalid_batch", "{\"writes\": [...]}" },
        { """{"writes":[{"key":"batx/12","value":1}""", "invalid_batch", "not valid JSON" },
        { "\u00ff\u00fe", "invalid_batch", "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadBatches))]
    public async Task A_bad_write_anywhere_is_a_400_naming_it_and_nothing_is_written(string body, string code, string says)
    {
        var post = await PostAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, post.Status);
        Assert.Equal(code, post.Body.GetProperty("error").GetString());
        Assert.Contains(says, post.Body.GetProperty("message").GetString(), StringComparison.Ordinal);

        // Not even the writes before the bad one.
        var list = await Api.SendAsync(Http, HttpMethod.Get, "v1/kv?prefix=batx/");
        Assert.Empty(list.Body.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Limits_are_the_single_writes_limits_and_a_thousand_writes()
    {
        var big = new string('x', 256 * 1024); // one byte over Store:MaxValueBytes once quoted
        var tooBig = await PostAsync($$"""{"writes":[{"key":"baty/ok","value":1},{"key":"baty/big","value":"{{big}}"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.Status);
        Assert.Equal("value_too_large", tooBig.Body.GetProperty("error").GetString());
        Assert.Contains("writes[1]", tooBig.Body.GetProperty("message").GetString(), StringComparison.Ordinal);

        var tooMany = await PostAsync(Writes(1001));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.Status);
        Assert.Contains("got 1001", tooMany.Body.GetProperty("message").GetString(), StringComparison.Ordinal);

        var list = await Api.SendAsync(Http, HttpMethod.Get, "v1/kv?prefix=baty/");
        Assert.Empty(list.Body.GetProperty("items").EnumerateArray());

        var full = await PostAsync(Writes(1000));
        Assert.Equal(HttpStatusCode.OK, full.Status);
        Assert.Equal(1000, full.Body.GetProperty("results").GetArrayLength());
        Assert.Equal(["999"], Api.Values((await Api.GetAsync(Http, "baty/999")).Body));
    }

    [Fact]
    public async Task A_context_header_on_a_batch_is_refused_rather_than_ignored()
    {
        var first = await Api.PutAsync(Http, "batz/k", "1");
        var post = await PostAsync("""{"writes":[{"key":"batz/k","value":2}]}""", ("EdgeSync-Context", first.Body.GetProperty("context").GetString()!));
        Assert.Equal(HttpStatusCode.BadRequest, post.Status);
        Assert.Equal("invalid_batch", post.Body.GetProperty("error").GetString());
        Assert.Equal(["1"], Api.Values((await Api.GetAsync(Http, "batz/k")).Body));
    }

    private static string Writes(int count)
    {
        var body = new StringBuilder("{\"writes\":[");
        for (var i = 0; i < count; i++)
        {
            body.Append(i == 0 ? "" : ",").Append($"{{\"key\":\"baty/{i}\",\"value\":{i}}}");
        }

        return body.Append("]}").ToString();
    }

    private Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(string body, params (string, string)[] headers) =>
        Api.SendAsync(Http, HttpMethod.Post, "v1/batch", body, headers);
}
