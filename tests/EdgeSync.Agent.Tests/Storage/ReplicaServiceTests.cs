using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Tests.Storage;

/// <summary>The group-commit writer over the real LiteDB storage.</summary>
public sealed class ReplicaServiceTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _dir = new();

    private string DbPath => _dir.File("replica.db");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Concurrent_writers_are_all_durable_and_share_fsyncs()
    {
        const int writers = 32;
        const int perWriter = 25;
        long batches;
        using (var storage = LiteDbReplicaStorage.Open(DbPath))
        {
            using var service = new ReplicaService(NewReplica(storage));
            var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < perWriter; i++)
                {
                    var synced = storage.DurableCommits;
                    var result = await service.WriteAsync(r => r.Put($"w{w:D2}/{i:D2}", $"{{\"w\":{w},\"i\":{i}}}", null));
                    Assert.True(result.Ok, result.Message);

                    // The acknowledgement came after a journal fsync that followed the request.
                    Assert.True(storage.DurableCommits > synced, "acknowledged before an fsync");
                }
            }));
            await Task.WhenAll(tasks).WaitAsync(Deadline);

            batches = service.Batches;
            Assert.Equal(writers * perWriter, service.Operations);
            Assert.True(batches < writers * perWriter / 2, $"{batches} batches for {writers * perWriter} writes: no group commit");
            Assert.Equal(batches, storage.DurableCommits); // exactly one journal fsync per batch
        }

        using (var storage = LiteDbReplicaStorage.Open(DbPath))
        {
            var replica = NewReplica(storage);
            Assert.Equal(writers * perWriter, replica.LiveKeys);
            for (var w = 0; w < writers; w++)
            {
                for (var i = 0; i < perWriter; i++)
                {
                    Assert.Equal($"{{\"w\":{w},\"i\":{i}}}", replica.Get($"w{w:D2}/{i:D2}").Values.Single().Value);
                }
            }

            Assert.Equal(writers * perWriter, replica.Applied.BaseOf("n1"));
        }
    }

    [Fact]
    public async Task A_failing_operation_fails_alone_and_its_batch_commits()
    {
        using var storage = LiteDbReplicaStorage.Open(DbPath);
        using var service = new ReplicaService(NewReplica(storage));
        // Hold the writer inside a batch so that everything below queues up into the next one.
        using var held = HeldWriter.Hold(service, Deadline);
        var good1 = service.WriteAsync(r => r.Put("a", "1", null));
        var bad = service.WriteAsync<WriteResult>(_ => throw new InvalidOperationException("boom"));
        var invalid = service.WriteAsync(r => r.Put("b", "{not json", null));
        var good2 = service.WriteAsync(r => r.Put("c", "2", null));
        held.Release();

        Assert.True(await held.Batch.WaitAsync(Deadline));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bad.WaitAsync(Deadline));
        Assert.Equal("boom", error.Message);
        Assert.Equal(WriteStatus.InvalidValue, (await invalid.WaitAsync(Deadline)).Status);
        Assert.True((await good1.WaitAsync(Deadline)).Ok);
        Assert.True((await good2.WaitAsync(Deadline)).Ok);

        Assert.Equal(2, service.Batches);
        Assert.Equal(1, storage.DurableCommits); // the first batch wrote nothing, so it needed no fsync
        Assert.Equal(["a", "c"], service.Read(r => r.List(string.Empty, null, 10).Select(s => s.Key).ToList()));
        Assert.False(service.Read(r => r.Get("b").Found));
    }

    [Fact]
    public async Task An_inline_answer_runs_on_the_writer_thread_after_the_push_and_may_write_again()
    {
        using var storage = LiteDbReplicaStorage.Open(DbPath);
        using var service = new ReplicaService(NewReplica(storage));
        var pushedOn = -1;
        service.Committed += _ => pushedOn = Environment.CurrentManagedThreadId;
        // Hold the writer in a batch, so every continuation below is attached before its write completes
        // (one attached to a finished task would run on this thread instead).
        using var held = HeldWriter.Hold(service, Deadline);

        // The default answer goes to the pool, so a caller's continuation never delays the next batch.
        var pooledOn = service.WriteAsync(r => r.Put("pool", "1", null))
            .ContinueWith(_ => Thread.CurrentThread.Name, TaskContinuationOptions.ExecuteSynchronously);
        var answeredOn = service.WriteAsync(r => r.Put("inline", "1", null), answerInline: true)
            .ContinueWith(
                t =>
                {
                    Assert.True(t.Result.Ok);
                    return (Thread.CurrentThread.Name, Environment.CurrentManagedThreadId, Pushed: pushedOn);
                },
                TaskContinuationOptions.ExecuteSynchronously);

        // Awaiting another write from the writer thread queues it for the next batch: it must not hang.
        var nested = service.WriteAsync(r => r.Put("first", "1", null), answerInline: true)
            .ContinueWith(_ => service.WriteAsync(r => r.Put("second", "2", null)), TaskContinuationOptions.ExecuteSynchronously)
            .Unwrap();
        held.Release();

        Assert.True(await held.Batch.WaitAsync(Deadline));
        Assert.NotEqual("edgesync-writer", await pooledOn.WaitAsync(Deadline));
        var answered = await answeredOn.WaitAsync(Deadline);
        Assert.Equal("edgesync-writer", answered.Name);
        Assert.Equal(answered.CurrentManagedThreadId, answered.Pushed); // the push ran first, on the same thread
        Assert.True((await nested.WaitAsync(Deadline)).Ok);
        Assert.Equal(["first", "inline", "pool", "second"], service.Read(r => r.List(string.Empty, null, 10).Select(k => k.Key).ToList()));
    }

    [Fact]
    public async Task A_throwing_listener_is_counted_and_neither_stops_the_writer_nor_the_other_listeners()
    {
        using var storage = LiteDbReplicaStorage.Open(DbPath);
        using var service = new ReplicaService(NewReplica(storage));
        var reported = new List<Exception>();
        var heard = new List<string>();
        var batches = 0;
        service.ListenerFailed += reported.Add;
        service.Committed += _ => throw new InvalidOperationException("listener bug");
        service.Committed += changes => heard.AddRange(changes.Select(c => c.Key));
        service.BatchCommitted += () => batches++;
        service.BatchCommitted += () => throw new InvalidOperationException("second bug");

        // Both writes are answered: they are durable before any listener runs.
        Assert.True((await service.WriteAsync(r => r.Put("a", "1", null)).WaitAsync(Deadline)).Ok);
        Assert.True((await service.WriteAsync(r => r.Put("b", "2", null), answerInline: true).WaitAsync(Deadline)).Ok);

        Assert.Equal(["a", "b"], heard);
        Assert.Equal(2, batches);
        Assert.Equal(4, service.ListenerFailures);
        Assert.Equal(["listener bug", "second bug", "listener bug", "second bug"], reported.Select(e => e.Message));
        Assert.Null(service.Fault);
        Assert.Equal(2, service.Read(r => r.LiveKeys));
    }

    [Fact]
    public async Task A_failed_commit_answers_inline_callers_outside_the_read_gate()
    {
        var storage = new DiskFullStorage();
        using var service = new ReplicaService(NewReplica(storage));
        using var held = HeldWriter.Hold(service, Deadline);

        // Queued behind the held batch, so its continuation is attached before it fails; the disk
        // fills up inside its own batch, so that batch's commit is the one that fails.
        var write = service.WriteAsync(
            r =>
            {
                storage.Full = true;
                return r.Put("k", "1", null);
            },
            answerInline: true);
        var readFromAnswer = write.ContinueWith(
            _ =>
            {
                // Another thread reading while this answer runs must get the gate: the writer no longer holds it.
                var reader = Task.Run(() => service.Read(r => r.LiveKeys));
                return (Thread.CurrentThread.Name, Read: reader.Wait(Deadline));
            },
            TaskContinuationOptions.ExecuteSynchronously);
        held.Release();

        Assert.True(await held.Batch.WaitAsync(Deadline));
        await Assert.ThrowsAsync<IOException>(() => write.WaitAsync(Deadline));
        var answer = await readFromAnswer.WaitAsync(Deadline);
        Assert.Equal("edgesync-writer", answer.Name);
        Assert.True(answer.Read, "a read from another thread waited for the failed batch's answers");
    }

    [Fact]
    public async Task A_commit_that_fails_in_an_unexpected_way_fails_the_store_instead_of_ending_the_process()
    {
        var storage = new DiskFullStorage { Failure = () => new ArgumentOutOfRangeException("value", "a bug in the store") };
        using var service = new ReplicaService(NewReplica(storage));
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        service.Failed += e => failed.TrySetResult(e);
        await service.WriteAsync(r => r.Put("a", "1", null));

        storage.Full = true;
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => service.WriteAsync(r => r.Put("b", "2", null)).WaitAsync(Deadline));
        Assert.IsType<ArgumentOutOfRangeException>(await failed.Task.WaitAsync(Deadline));
        Assert.NotNull(service.Fault);
        await Assert.ThrowsAsync<InvalidOperationException>(() => service.WriteAsync(r => r.Put("c", "3", null)).WaitAsync(Deadline));
    }

    [Fact]
    public async Task Committed_changes_are_announced_after_they_are_durable()
    {
        using var storage = LiteDbReplicaStorage.Open(DbPath);
        using var service = new ReplicaService(NewReplica(storage));
        var announced = new TaskCompletionSource<(string Key, long Synced)>(TaskCreationOptions.RunContinuationsAsynchronously);
        service.Committed += c => announced.TrySetResult((c[0].Key, storage.DurableCommits));

        await service.WriteAsync(r => r.Put("k", "1", null));
        var (key, synced) = await announced.Task.WaitAsync(Deadline);
        Assert.Equal("k", key);
        Assert.Equal(1, synced);
    }

    [Fact]
    public async Task A_commit_that_cannot_reach_the_disk_fails_the_store_once_and_every_later_write_is_refused()
    {
        var storage = new DiskFullStorage();
        using var service = new ReplicaService(NewReplica(storage));
        var failures = new List<Exception>();
        var reported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        service.Failed += e =>
        {
            lock (failures)
            {
                failures.Add(e);
            }

            reported.TrySetResult();
        };
        Assert.True((await service.WriteAsync(r => r.Put("k", "1", null))).Ok);
        Assert.Null(service.Fault);

        storage.Full = true;
        await Assert.ThrowsAsync<IOException>(() => service.WriteAsync(r => r.Put("k", "2", null)));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => service.WriteAsync(r => r.Put("k", "3", null)));
        Assert.IsType<IOException>(refused.InnerException);

        storage.Full = false; // room again, but memory may be ahead of the disk: only a restart recovers
        await Assert.ThrowsAsync<InvalidOperationException>(() => service.WriteAsync(r => r.Put("k", "4", null)));
        // The event is raised by the writer after it has answered the batch's callers: wait for it.
        await reported.Task.WaitAsync(Deadline);
        service.Fail(new IOException("a later failure"));
        Exception only;
        lock (failures)
        {
            only = Assert.Single(failures);
        }

        Assert.Same(only, service.Fault);
        Assert.Equal("No space left on device", only.Message);
    }

    [Fact]
    public async Task A_write_queued_before_the_store_failed_is_refused_and_never_runs()
    {
        var storage = new DiskFullStorage();
        using var service = new ReplicaService(NewReplica(storage));
        using var running = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var blocker = service.WriteAsync(r =>
        {
            running.Set();
            release.Wait(Deadline);
            return r.Put("first", "1", null);
        });
        Assert.True(running.Wait(Deadline), "the first write did not start");
        var ran = false;
        var queued = service.WriteAsync(r =>
        {
            ran = true;
            return r.Put("second", "2", null);
        });

        service.Fail(new IOException("the log could not be flushed to the database"));
        release.Set();
        Assert.True((await blocker.WaitAsync(Deadline)).Ok); // its batch was already running: it commits
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => queued.WaitAsync(Deadline));
        Assert.IsType<IOException>(refused.InnerException);
        Assert.False(ran);
        Assert.Null(service.Read(r => r.Get("second").State));
    }

    [Fact]
    public async Task After_dispose_writes_are_refused()
    {
        using var storage = LiteDbReplicaStorage.Open(DbPath);
        var service = new ReplicaService(NewReplica(storage));
        Assert.True((await service.WriteAsync(r => r.Put("k", "1", null))).Ok);
        service.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => service.WriteAsync(r => r.Put("k", "2", null)));
    }

    [Fact]
    public async Task Writes_racing_dispose_each_commit_or_are_refused_and_none_hangs()
    {
        using var storage = LiteDbReplicaStorage.Open(DbPath);
        var service = new ReplicaService(NewReplica(storage));
        var writes = new List<Task<WriteResult>>();
        using var underway = new ManualResetEventSlim();
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                var key = $"k{i:D4}";
                writes.Add(service.WriteAsync(r => r.Put(key, "1", null)));
                if (i == 50)
                {
                    underway.Set();
                }
            }
        });
        Assert.True(underway.Wait(Deadline));
        service.Dispose();
        await writer.WaitAsync(Deadline);

        var acknowledged = 0;
        var refused = 0;
        foreach (var write in writes)
        {
            try
            {
                Assert.True((await write.WaitAsync(Deadline)).Ok);
                acknowledged++;
            }
            catch (ObjectDisposedException)
            {
                refused++;
            }
        }

        Assert.Equal(2000, acknowledged + refused);
        Assert.True(acknowledged > 0, "nothing committed before the dispose");
        Assert.Equal(acknowledged, NewReplica(storage).LiveKeys); // acknowledged means stored; refused means not run
    }

    [Fact]
    public async Task A_commit_handler_may_dispose_the_service()
    {
        using var storage = LiteDbReplicaStorage.Open(DbPath);
        var service = new ReplicaService(NewReplica(storage));
        service.Committed += _ => service.Dispose(); // runs on the writer thread

        Assert.True((await service.WriteAsync(r => r.Put("k", "1", null)).WaitAsync(Deadline)).Ok);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => service.WriteAsync(r => r.Put("k", "2", null)).WaitAsync(Deadline));
        Assert.Equal("1", NewReplica(storage).Get("k").Values.Single().Value);
    }

    private static Replica NewReplica(IReplicaStorage storage) => new("n1", storage, new StoreOptions(), TimeProvider.System);
}
