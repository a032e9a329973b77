using System.Diagnostics;
using EdgeSync.Agent.Storage;

namespace EdgeSync.Benchmarks;

/// <summary>What the store benchmarks share: fresh store files, acknowledged puts, and measurements in a child process of their own.</summary>
internal static class BenchStore
{
    /// <summary>The path of store <paramref name="name"/> in <paramref name="dir"/>, with any earlier store there and its companion files removed.</summary>
    public static string FreshDb(string dir, string name)
    {
        var path = Path.Combine(dir, name);
        foreach (var file in new[] { path, path + ".lock" }.Concat(LiteDbReplicaStorage.CompanionFilesOf(path)))
        {
            File.Delete(file);
        }

        return path;
    }

    /// <summary>One durable put; a refusal is a benchmark failure.</summary>
    public static async Task PutAsync(ReplicaService service, string key, string value)
    {
        var result = await service.WriteAsync(r => r.Put(key, value, null));
        if (!result.Ok)
        {
            throw new InvalidOperationException(result.Message);
        }
    }

    /// <summary>Keys 0..<paramref name="keys"/>-1 put by 64 concurrent writers, each waiting for its put to be durable.</summary>
    public static Task FillAsync(ReplicaService service, int keys, Func<int, string> key, Func<int, string> value) =>
        Task.WhenAll(Enumerable.Range(0, 64).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < keys; i += 64)
            {
                await PutAsync(service, key(i), value(i));
            }
        })));

    /// <summary>This benchmark program run again with <paramref name="args"/> (a fresh runtime); its output, or why it failed.</summary>
    public static async Task<string> RunChildAsync(string what, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        return child.ExitCode == 0 ? output.Trim() : $"{what} child failed with exit code {child.ExitCode}: {output.Trim()}";
    }
}
