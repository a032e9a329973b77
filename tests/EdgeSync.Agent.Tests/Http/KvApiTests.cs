using System.Net;
using EdgeSync.Agent.Tests.Process;
using EdgeSync.Core.Clocks;

namespace EdgeSync.Agent.Tests.Http;

[Collection(AgentCollection.Name)]
public sealed class KvApiTests(AgentFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task Put_then_get_returns_the_json_value_not_a_string()
    {
        var put = await Api.PutAsync(Http, "rt/a", """{"temp": 21.5, "ok": true}""");
        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("rt/a", put.Body.GetProperty("key").GetString());
        Assert.Equal("one", put.Body.GetProperty("consistency").GetString());

        var get = await Api.GetAsync(Http, "rt/a");
        Assert.Equal(HttpStatusCode.OK, get.Status);
        var value = Assert.Single(get.Body.GetProperty("values").EnumerateArray());
        Assert.Equal(21.5, value.GetProperty("temp").GetDouble());
        Assert.False(get.Body.GetProperty("conflict").GetBoolean());
        Assert.Equal(put.Body.GetProperty("context").GetString(), get.Body.GetProperty("context").GetString());
        Assert.Equal(get.Body.GetProperty("context").GetString(), Api.Header(get.Response, "EdgeSync-Context"));
    }

    [Fact]
    public async Task Keys_with_slashes_and_percent_encoded_utf8_round_trip()
    {
        // "sensors/gewächshaus/t°" with the slash both plain and encoded.
        var put = await Api.PutAsync(Http, "enc/sensors%2Fgew%C3%A4chshaus/t%C2%B0", "1");
        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("enc/sensors/gewächshaus/t°", put.Body.GetProperty("key").GetString());

        var get = await Api.GetAsync(Http, "enc/sensors/gew%C3%A4chshaus/t%C2%B0");
        Assert.Equal(["1"], Api.Values(get.Body));
        Assert.Equal("enc/sensors/gewächshaus/t°", get.Body.GetProperty("key").GetString());
    }

    [Fact]
    public async Task Overwrite_without_context_replaces_the_value()
    {
        await Api.PutAsync(Http, "ow/k", "\"first\"");
        await Api.PutAsync(Http, "ow/k", "\"second\"");
        var get = await Api.GetAsync(Http, "ow/k");
        Assert.Equal(["\"second\""], Api.Values(get.Body));
    }

    [Fact]
    public async Task Write_with_an_old_context_keeps_both_values_as_siblings_and_a_merged_write_resolves_them()
    {
        var first = await Api.PutAsync(Http, "sib/k", "1");
        var context = first.Body.GetProperty("context").GetString()!;
        await Api.PutAsync(Http, "sib/k", "2", ("EdgeSync-Context", context));
        await Api.PutAsync(Http, "sib/k", "3", ("EdgeSync-Context", context));

        var get = await Api.GetAsync(Http, "sib/k");
        Assert.True(get.Body.GetProperty("conflict").GetBoolean());
        Assert.Equal(["2", "3"], Api.Values(get.Body).Order().ToArray());

        var merged = get.Body.GetProperty("context").GetString()!;
        await Api.PutAsync(Http, "sib/k", "5", ("EdgeSync-Context", merged));
        var after = await Api.GetAsync(Http, "sib/k");
        Assert.Equal(["5"], Api.Values(after.Body));
        Assert.False(after.Body.GetProperty("conflict").GetBoolean());
    }

    [Fact]
    public async Task Delete_then_get_is_404_and_a_second_delete_is_404()
    {
        await Api.PutAsync(Http, "del/k", "true");
        var del = await Api.SendAsync(Http, HttpMethod.Delete, "v1/kv/del/k");
        Assert.Equal(HttpStatusCode.OK, del.Status);
        Assert.Equal("del/k", del.Body.GetProperty("key").GetString());

        var get = await Api.GetAsync(Http, "del/k");
        Assert.Equal(HttpStatusCode.NotFound, get.Status);
        Assert.Equal("not_found", get.Body.GetProperty("error").GetString());

        var again = await Api.SendAsync(Http, HttpMethod.Delete, "v1/kv/del/k");
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
    }

    [Fact]
    public async Task List_pages_through_a_prefix_in_key_order_and_skips_deleted_keys()
    {
        for (var i = 0; i < 7; i++)
        {
            await Api.PutAsync(Http, $"ls/item{i}", $"{i}");
        }

        await Api.PutAsync(Http, "lsx/other", "0");
        await Api.SendAsync(Http, HttpMethod.Delete, "v1/kv/ls/item3");

        var keys = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await Api.SendAsync(Http, HttpMethod.Get, "v1/kv?prefix=ls/&limit=3" + (after is null ? string.Empty : "&after=" + Uri.EscapeDataString(after)));
            Assert.Equal(HttpStatusCode.OK, page.Status);
            foreach (var item in page.Body.GetProperty("items").EnumerateArray())
            {
                keys.Add(item.GetProperty("key").GetString()!);
                Assert.Equal(item.GetProperty("key").GetString()![^1..], Assert.Single(item.GetProperty("values").EnumerateArray()).GetRawText());
            }

            after = page.Body.GetProperty("next").GetString();
            pages++;
        }
        while (after is not null && pages < 10);

        Assert.Equal(["ls/item0", "ls/item1", "ls/item2", "ls/item4", "ls/item5", "ls/item6"], keys);
    }

    [Fact]
    public async Task Every_answer_carries_a_session_token_covering_the_clients_writes()
    {
        var put = await Api.PutAsync(Http, "sess/k", "1");
        var token = Api.Header(put.Response, "EdgeSync-Session");
        Assert.True(DotSet.TryDecode(token, out var dots));
        Assert.Single(dots.Nodes);

        // Presenting it to the node that issued it is answered at once, and is carried forward.
        var get = await Api.GetAsync(Http, "sess/k", ("EdgeSync-Session", token));
        Assert.Equal(HttpStatusCode.OK, get.Status);
        Assert.True(DotSet.TryDecode(Api.Header(get.Response, "EdgeSync-Session"), out var after));
        Assert.True(after.ContainsAll(dots));
    }

    [Fact]
    public async Task A_session_token_this_node_has_not_applied_is_409_after_the_timeout()
    {
        var foreign = DotSet.Of(new Dot("some-other-node", 5)).Encode();
        var get = await Api.SendAsync(Http, HttpMethod.Get, "v1/kv/sess/none?timeout=100ms", null, ("EdgeSync-Session", foreign));
        Assert.Equal(HttpStatusCode.Conflict, get.Status);
        Assert.Equal("session_not_covered", get.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_read_waits_for_a_token_that_becomes_covered_by_a_later_write()
    {
        var status = await Api.SendAsync(Http, HttpMethod.Get, "v1/status");
        var actor = status.Body.GetProperty("actor").GetString()!;
        var next = (status.Body.GetProperty("versionVector").TryGetProperty(actor, out var seq) ? seq.GetInt64() : 0) + 1;
        var ahead = DotSet.Of(new Dot(actor, next)).Encode();

        var read = Api.SendAsync(Http, HttpMethod.Get, "v1/kv/sess/wait?timeout=20s", null, ("EdgeSync-Session", ahead));
        Assert.False(read.IsCompleted);
        Assert.Equal(HttpStatusCode.OK, (await Api.PutAsync(Http, "sess/wait", "\"now\"")).Status);
        var answer = await read;
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(["\"now\""], Api.Values(answer.Body));
    }

    [Theory]
    [InlineData("one")]
    [InlineData("quorum")]
    [InlineData("all")]
    public async Task A_fleet_of_one_meets_every_consistency_level_and_reports_it(string level)
    {
        var put = await Api.SendAsync(Http, HttpMethod.Put, $"v1/kv/cons/{level}?consistency={level}&timeout=2s", "\"v\"");
        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal(level, put.Body.GetProperty("consistency").GetString());
        var get = await Api.SendAsync(Http, HttpMethod.Get, $"v1/kv/cons/{level}?consistency={level}");
        Assert.Equal(level, get.Body.GetProperty("consistency").GetString());
    }

    [Fact]
    public async Task Too_many_siblings_is_409_and_changes_nothing()
    {
        var first = await Api.PutAsync(Http, "many/k", "0");
        var context = first.Body.GetProperty("context").GetString()!;
        for (var i = 1; i <= 16; i++)
        {
            var put = await Api.PutAsync(Http, "many/k", $"{i}", ("EdgeSync-Context", context));
            Assert.Equal(HttpStatusCode.OK, put.Status);
        }

        var refused = await Api.PutAsync(Http, "many/k", "17", ("EdgeSync-Context", context));
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("too_many_siblings", refused.Body.GetProperty("error").GetString());
        var get = await Api.GetAsync(Http, "many/k");
        Assert.Equal(16, get.Body.GetProperty("values").GetArrayLength());
    }
}
