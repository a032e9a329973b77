// Each benchmark is a class with a name; add new ones to this table.
var benchmarks = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["mqtt-raw"] = EdgeSync.Benchmarks.MqttRawBenchmark.RunAsync,
    ["durable-put"] = EdgeSync.Benchmarks.DurablePutBenchmark.RunAsync,
    ["anti-entropy"] = EdgeSync.Benchmarks.AntiEntropyBenchmark.RunAsync,
    ["fleet"] = EdgeSync.Benchmarks.FleetBenchmark.RunAsync,
    ["floor"] = EdgeSync.Benchmarks.FloorPipeline.RunAsync,
    ["start-up"] = EdgeSync.Benchmarks.StartupBenchmark.RunAsync,
    ["floor-node"] = EdgeSync.Benchmarks.FloorNode.RunAsync, // a process of `floor`, started by it
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: EdgeSync.Benchmarks <{string.Join('|', benchmarks.Keys)}> [options]");
    return 2;
}

return await run(args[1..]);
