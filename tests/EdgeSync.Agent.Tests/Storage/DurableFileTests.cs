using EdgeSync.Agent.Storage;

namespace EdgeSync.Agent.Tests.Storage;

/// <summary>Files replaced whole: the new content or the old, and no half-written file left behind when a write fails.</summary>
public sealed class DurableFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_replace_leaves_exactly_the_new_content_and_no_temporary_file()
    {
        var path = _dir.File("state");
        DurableFile.Replace(path, "old content that is longer");
        DurableFile.Replace(path, [1, 2, 3]);

        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal(["state"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failed_replace_removes_its_temporary_file_and_says_why()
    {
        var path = _dir.File("in-the-way");
        Directory.CreateDirectory(path); // the rename over it fails, after the temporary file is written

        Assert.ThrowsAny<IOException>(() => DurableFile.Replace(path, [1, 2, 3]));

        Assert.Empty(Directory.GetFiles(_dir.Path));
    }
}
