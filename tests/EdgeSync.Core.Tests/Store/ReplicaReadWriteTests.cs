using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Tests.Store;

public class ReplicaReadWriteTests
{
    [Fact]
    public void Put_then_get_returns_the_value_and_its_context()
    {
        var a = new Node("a");
        var state = a.Put("sensors/greenhouse/temp", "{\"c\":21.5}");
        var read = a.Replica.Get("sensors/greenhouse/temp");
        Assert.True(read.Found);
        Assert.False(read.Conflict);
        Assert.Equal("{\"c\":21.5}", Assert.Single(read.Values).Value);
        Assert.Equal(state.Context, read.Context);
        Assert.True(read.Context.Contains(new Dot("a", 1)));
        Assert.Equal(1, a.Replica.LiveKeys);
        Assert.Equal(1, a.Replica.Stats.LocalWrites);
    }

    [Fact]
    public void A_write_without_context_replaces_what_the_node_holds()
    {
        var a = new Node("a");
        a.Put("k", "1");
        a.Put("k", "2");
        Assert.Equal(["2"], a.Values("k"));
        var write = a.Replica.Put("k", "3", null);
        Assert.Equal(new Dot("a", 3), write.Update);
        Assert.Equal(new Dot("a", 3), Assert.Single(write.State!.Siblings).Dot);
        Assert.Equal(3, a.Replica.Applied.BaseOf("a"));
    }

    [Fact]
    public void A_write_with_a_stale_context_keeps_the_newer_value_as_a_sibling()
    {
        var a = new Node("a");
        var first = a.Put("k", "1");
        a.Put("k", "2");
        var write = a.Replica.Put("k", "3", first.Context);
        Assert.True(write.Ok);
        Assert.Equal(["2", "3"], a.Values("k"));
        Assert.True(a.Replica.Get("k").Conflict);
    }

    [Fact]
    public void Get_of_a_missing_key_is_not_found()
    {
        var read = new Node("a").Replica.Get("nope");
        Assert.False(read.Found);
        Assert.True(read.Context.IsEmpty);
        Assert.Null(read.State);
    }

    [Fact]
    public void Delete_leaves_a_tombstone_and_hides_the_key()
    {
        var a = new Node("a");
        a.Put("k", "1");
        var tomb = a.Delete("k");
        Assert.True(tomb.IsDeleted);
        Assert.False(a.Replica.Get("k").Found);
        Assert.NotNull(a.Replica.Load("k"));
        Assert.Equal(0, a.Replica.LiveKeys);
        Assert.Equal(WriteStatus.NotFound, a.Replica.Delete("k", null).Status);
        Assert.Equal(WriteStatus.NotFound, a.Replica.Delete("never", null).Status);

        // A write after the delete brings the key back as a new version.
        a.Put("k", "2");
        Assert.Equal(["2"], a.Values("k"));
        Assert.Equal(1, a.Replica.LiveKeys);
    }

    [Fact]
    public void List_pages_in_key_order_and_skips_deleted_keys()
    {
        var a = new Node("a");
        for (var i = 0; i < 20; i++)
        {
            a.Put($"p/{i:D2}", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        a.Put("q/other", "0");
        foreach (var i in new[] { 0, 1, 2, 3, 7, 8, 9, 10, 11, 19 })
        {
            a.Delete($"p/{i:D2}");
        }

        var keys = new List<string>();
        string? after = null;
        while (true)
        {
            var page = a.Replica.List("p/", after, 3);
            Assert.True(page.Count <= 3);
            if (page.Count == 0)
            {
                break;
            }

            Assert.All(page, s => Assert.False(s.IsDeleted));
            keys.AddRange(page.Select(s => s.Key));
            after = page[^1].Key;
        }

        Assert.Equal(["p/04", "p/05", "p/06", "p/12", "p/13", "p/14", "p/15", "p/16", "p/17", "p/18"], keys);
        Assert.Equal(3, a.Replica.List("p/", null, 3).Count); // a full first page despite four deleted keys at the start
        Assert.Equal(["q/other"], a.Replica.List("q", null, 10).Select(s => s.Key));
        Assert.Empty(a.Replica.List("p/", "p/18", 10));
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("newline\n")]
    [InlineData("nul\0")]
    [InlineData("del\u007f")]
    [InlineData("c1\u0085")]
    public void Invalid_keys_are_refused(string key)
    {
        var a = new Node("a");
        Assert.Equal(WriteStatus.InvalidKey, a.Replica.Put(key, "1", null).Status);
        Assert.Equal(WriteStatus.InvalidKey, a.Replica.Delete(key, null).Status);
        Assert.Equal(0, a.Storage.Count);
        Assert.Equal(0, a.Replica.Stats.LocalWrites);
    }

    [Fact]
    public void Keys_are_limited_to_512_utf8_bytes()
    {
        var a = new Node("a");
        Assert.True(a.Replica.Put(new string('k', 512), "1", null).Ok);
        Assert.Equal(WriteStatus.InvalidKey, a.Replica.Put(new string('k', 513), "1", null).Status);

        // 256 two-byte characters are 512 bytes; one more character is over, though only 257 chars.
        Assert.True(a.Replica.Put(new string('é', 256), "1", null).Ok);
        var tooLong = a.Replica.Put(new string('é', 257), "1", null);
        Assert.Equal(WriteStatus.InvalidKey, tooLong.Status);
        Assert.Contains("514", tooLong.Message, StringComparison.Ordinal);

        Assert.Equal(WriteStatus.InvalidKey, a.Replica.Put("lone\ud800surrogate", "1", null).Status);
        Assert.True(a.Replica.Put("sensors/温度/🌡", "1", null).Ok);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{'a':1}")]
    [InlineData("[1,2")]
    [InlineData("undefined")]
    [InlineData("{\"a\":1} trailing")]
    public void Invalid_json_is_refused(string json)
    {
        var a = new Node("a");
        var result = a.Replica.Put("k", json, null);
        Assert.Equal(WriteStatus.InvalidValue, result.Status);
        Assert.Contains("JSON", result.Message, StringComparison.Ordinal);
        Assert.False(a.Replica.Get("k").Found);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("\"text\"")]
    [InlineData("[1,{\"a\":[true,false,null]}]")]
    public void Any_json_document_is_a_value(string json)
    {
        var a = new Node("a");
        a.Put("k", json);
        Assert.Equal([json], a.Values("k"));
    }

    [Fact]
    public void Values_over_MaxValueBytes_are_refused()
    {
        var a = new Node("a", new StoreOptions { MaxValueBytes = 100 });
        var fits = "\"" + new string('x', 98) + "\"";
        Assert.True(a.Replica.Put("k", fits, null).Ok);
        var over = "\"" + new string('é', 50) + "\""; // 102 bytes in UTF-8, 52 chars
        var result = a.Replica.Put("k", over, null);
        Assert.Equal(WriteStatus.ValueTooLarge, result.Status);
        Assert.Contains("Store:MaxValueBytes", result.Message, StringComparison.Ordinal);
        Assert.Equal([fits], a.Values("k"));
    }

    [Fact]
    public void The_default_value_limit_is_256_KiB()
    {
        var a = new Node("a");
        var atLimit = "\"" + new string('x', (256 * 1024) - 2) + "\"";
        Assert.True(a.Replica.Put("k", atLimit, null).Ok);
        Assert.Equal(WriteStatus.ValueTooLarge, a.Replica.Put("k", atLimit + " ", null).Status);
    }

    [Fact]
    public void Changed_reports_local_writes_and_deletes()
    {
        var a = new Node("a");
        var changes = new List<ReplicaChange>();
        a.Replica.Changed += changes.Add;
        a.Put("k", "1");
        a.Delete("k");
        Assert.Equal([ChangeKind.LocalWrite, ChangeKind.LocalDelete], changes.Select(c => c.Kind));
        Assert.All(changes, c => Assert.Equal("k", c.Key));
    }

    [Fact]
    public void An_invalid_node_id_is_refused() =>
        Assert.Throws<ArgumentException>(() => new Replica("bad id", new InMemoryReplicaStorage(), new StoreOptions(), TimeProvider.System));
}
