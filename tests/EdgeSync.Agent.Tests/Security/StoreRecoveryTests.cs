using EdgeSync.Agent.Security;
using EdgeSync.Agent.Storage;
using EdgeSync.Agent.Tests.Storage;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Agent.Tests.Security;

/// <summary>A corrupt store goes aside with everything that belongs to it, so nothing of it is replayed into the fresh one.</summary>
public sealed class StoreRecoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Moving_a_store_aside_takes_its_journal_and_write_ahead_log_along()
    {
        var db = _dir.File("replica.db");
        var companions = LiteDbReplicaStorage.CompanionFilesOf(db);
        foreach (var file in companions.Prepend(db))
        {
            File.WriteAllText(file, Path.GetFileName(file));
        }

        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var recovery = StoreRecovery.MoveAside(_dir.Path, db, companions, time);

        Assert.True(recovery.Fenced);
        Assert.Equal(db + ".corrupt-20261127T120000Z", recovery.MovedTo);
        foreach (var file in companions.Prepend(db))
        {
            Assert.False(File.Exists(file), $"{file} was left behind");
            Assert.Equal(Path.GetFileName(file), File.ReadAllText(file + ".corrupt-20261127T120000Z"));
        }
    }
}
