using System.Net;
using System.Text.Json;
using EdgeSync.Agent.Tests.Http;
using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Changes;

/// <summary>
/// The changes feed across a restart of the agent process: a reader resuming with a number from
/// before it must learn that it may have missed changes, never silently skip the new ones.
/// </summary>
public sealed class ChangesAcrossRestartTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_reader_resuming_after_a_kill_and_restart_gets_a_gap_then_the_new_changes()
    {
        using var cancel = new CancellationTokenSource(Deadline);
        var seen = await SeenThenKilledAsync("feed-restart", "r/a", "r/b", cancel.Token); // r/b: made while nobody listens, then lost from memory

        await using var restarted = await AgentProcess.StartAsync(_dir.Path, "feed-restart");
        await Api.PutAsync(restarted.Http, "r/c", "3"); // before anyone reads this process's feed
        using var resumed = await OpenAsync(restarted, $"v1/changes?prefix=r/&since={seen}", cancel.Token);
        var gap = await NextAsync(resumed, cancel.Token);
        Assert.Equal("gap", gap.Event);

        // The reader re-lists (r/b and r/c are there) and the stream goes on with what follows.
        var (_, listed, _) = await Api.SendAsync(restarted.Http, HttpMethod.Get, "v1/kv?prefix=r/");
        Assert.Equal(["r/a", "r/b", "r/c"], listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()));
        await Api.PutAsync(restarted.Http, "r/d", "4");
        var next = await NextAsync(resumed, cancel.Token);
        Assert.Equal("change", next.Event);
        Assert.Equal("r/d", next.Data.GetProperty("key").GetString());
        Assert.True(next.Data.GetProperty("seq").GetInt64() > seen + 1, "numbers go on growing across the restart");
    }

    [Fact]
    public async Task A_reader_resuming_after_the_data_directory_was_wiped_gets_a_gap_not_the_new_numbers()
    {
        using var cancel = new CancellationTokenSource(Deadline);
        var seen = await SeenThenKilledAsync("feed-wipe", "w/a", null, cancel.Token);

        // The operator starts the node over: the ceiling of the old numbers is gone with the rest.
        Directory.Delete(_dir.Path, recursive: true);
        Directory.CreateDirectory(_dir.Path);
        await using var fresh = await AgentProcess.StartAsync(_dir.Path, "feed-wipe");
        using (var live = await OpenAsync(fresh, "v1/changes?prefix=w/", cancel.Token))
        {
            // Enough new changes that numbering from the old start would have passed the reader's number.
            foreach (var key in new[] { "w/x", "w/y", "w/z" })
            {
                await Api.PutAsync(fresh.Http, key, "2");
                Assert.Equal("change", (await NextAsync(live, cancel.Token)).Event);
            }
        }

        using var resumed = await OpenAsync(fresh, $"v1/changes?prefix=w/&since={seen}", cancel.Token);
        Assert.Equal("gap", (await NextAsync(resumed, cancel.Token)).Event);
    }

    /// <summary>
    /// Runs an agent, reads the change number of a put of <paramref name="read"/> from its feed, puts
    /// <paramref name="unread"/> (if any) with nobody reading, and kills the agent; returns that number.
    /// </summary>
    private async Task<long> SeenThenKilledAsync(string node, string read, string? unread, CancellationToken cancel)
    {
        await using var agent = await AgentProcess.StartAsync(_dir.Path, node);
        using var stream = await OpenAsync(agent, $"v1/changes?prefix={read[..(read.IndexOf('/') + 1)]}", cancel);
        await Api.PutAsync(agent.Http, read, "1");
        var seen = (await NextAsync(stream, cancel)).Data.GetProperty("seq").GetInt64();
        if (unread is not null)
        {
            await Api.PutAsync(agent.Http, unread, "2");
        }

        agent.Kill();
        return seen;
    }

    private static async Task<StreamReader> OpenAsync(AgentProcess agent, string path, CancellationToken cancel)
    {
        var response = await agent.Http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new StreamReader(await response.Content.ReadAsStreamAsync(cancel));
    }

    /// <summary>The next event: its type and data.</summary>
    private static async Task<(string Event, JsonElement Data)> NextAsync(StreamReader reader, CancellationToken cancel)
    {
        var type = "message";
        while (await reader.ReadLineAsync(cancel) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                using var doc = JsonDocument.Parse(line[6..]);
                return (type, doc.RootElement.Clone());
            }
        }

        throw new EndOfStreamException("the changes feed ended");
    }
}
