using System.Runtime.InteropServices;
using EdgeSync.Agent.Memory;

namespace EdgeSync.Agent.Tests.Memory;

public sealed class NativeHeapTests
{
    [Fact]
    public void Gives_freed_C_heap_memory_back_to_the_OS()
    {
        Assert.True(OperatingSystem.IsLinux(), "the agent's memory trim targets Linux (glibc)");

        // 32 MB in 16 KB blocks: below glibc's mmap threshold, so they live in (and stay in) the heap once freed.
        var blocks = Enumerable.Range(0, 2048).Select(_ => Marshal.AllocHGlobal(16 * 1024)).ToList();
        foreach (var block in blocks)
        {
            for (var page = 0; page < 16 * 1024; page += 4096)
            {
                Marshal.WriteByte(block, page, 1); // touch every page, so it is resident
            }
        }

        foreach (var block in blocks)
        {
            Marshal.FreeHGlobal(block);
        }

        Assert.True(NativeHeap.Trim(), "malloc_trim reported nothing released after 32 MB were freed");
    }
}
