using System.Net;
using System.Text.Json;
using EdgeSync.Agent.Tests.Http;
using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Changes;

[Collection(AgentCollection.Name)]
public sealed class ChangesFeedTests(AgentFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_stream_carries_every_change_after_it_opened_in_order_and_filters_by_prefix()
    {
        using var cancel = new CancellationTokenSource(Deadline);
        using var stream = await OpenAsync("v1/changes?prefix=feed1/", cancel.Token);
        var before = DateTimeOffset.UtcNow;
        await Api.PutAsync(fixture.Http, "other/x", "0");
        await Api.PutAsync(fixture.Http, "feed1/a", """{"n":1}""");
        await Api.PutAsync(fixture.Http, "feed1/a", """{"n":2}""");
        await fixture.Http.DeleteAsync(new Uri("v1/kv/feed1/a", UriKind.Relative));

        var events = await ReadEventsAsync(stream, 3, cancel.Token);
        Assert.Equal(["put", "put", "delete"], events.Select(e => e.GetProperty("kind").GetString()));
        Assert.All(events, e => Assert.Equal("feed1/a", e.GetProperty("key").GetString()));
        Assert.Equal(2, events[1].GetProperty("values")[0].GetProperty("n").GetInt32());
        Assert.True(events[2].GetProperty("deleted").GetBoolean());
        var seqs = events.Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order(), seqs);

        // "at": when each change became durable on the agent, by the same wall clock as this test's
        // (one machine), to the microsecond, in commit order.
        var after = DateTimeOffset.UtcNow;
        var at = events.Select(e => DateTimeOffset.Parse(e.GetProperty("at").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.All(at, t => Assert.InRange(t, before.AddMilliseconds(-1), after));
        Assert.Equal(at.Order(), at);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", events[0].GetProperty("at").GetString());
    }

    [Fact]
    public async Task A_reader_resumes_with_since_without_missing_a_change()
    {
        using var cancel = new CancellationTokenSource(Deadline);
        long first;
        using (var stream = await OpenAsync("v1/changes?prefix=feed2/", cancel.Token))
        {
            await Api.PutAsync(fixture.Http, "feed2/a", "1");
            first = (await ReadEventsAsync(stream, 1, cancel.Token))[0].GetProperty("seq").GetInt64();
        }

        // Written while nobody listens: the resumed stream still delivers it.
        await Api.PutAsync(fixture.Http, "feed2/b", "2");
        using var resumed = await OpenAsync($"v1/changes?prefix=feed2/&since={first}", cancel.Token);
        var next = (await ReadEventsAsync(resumed, 1, cancel.Token))[0];
        Assert.Equal("feed2/b", next.GetProperty("key").GetString());
        Assert.True(next.GetProperty("seq").GetInt64() > first);
    }

    [Fact]
    public async Task A_bad_since_is_a_400_json_error()
    {
        var answer = await fixture.Http.GetAsync(new Uri("v1/changes?since=yesterday", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        using var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        Assert.Equal("invalid_parameter", body.RootElement.GetProperty("error").GetString());
    }

    private async Task<StreamReader> OpenAsync(string path, CancellationToken cancel)
    {
        var response = await fixture.Http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel));
        Assert.StartsWith(":", await reader.ReadLineAsync(cancel)); // the stream is open once its greeting arrives
        return reader;
    }

    private static async Task<List<JsonElement>> ReadEventsAsync(StreamReader reader, int count, CancellationToken cancel)
    {
        var events = new List<JsonElement>();
        while (events.Count < count && await reader.ReadLineAsync(cancel) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                using var doc = JsonDocument.Parse(line[6..]);
                events.Add(doc.RootElement.Clone());
            }
        }

        return events;
    }
}
