using System.Device.Gpio;
using EdgeSync.Agent.Gpio;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Tests.Gpio;

/// <summary>Button edges delivered through the driver's callbacks, as libgpiod's event thread would.</summary>
public sealed class DemoButtonTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public void Button_pin_is_an_input_with_pull_up_watched_for_both_edges()
    {
        using var rig = new GpioRig().Start();

        Assert.Equal(PinMode.InputPullUp, rig.Driver.ModeOf(GpioRig.Button));
        Assert.Equal(1, rig.Driver.CallbackCount(GpioRig.Button));
    }

    [Fact]
    public async Task Short_press_increments_the_node_counter_in_the_store()
    {
        using var rig = new GpioRig();
        using var store = new ReplicaService(new Replica("n1", new InMemoryReplicaStorage(), new StoreOptions(), rig.Time));
        var stepDowns = 0;
        rig.Service.OnPress = ButtonCounter.Handler(store, "n1");
        rig.Service.OnLongPress = () => Task.FromResult(Interlocked.Increment(ref stepDowns));
        rig.Start();

        Press(rig, holdMs: 120);
        await WaitFor(() => Counter(store) == "1");
        Press(rig, holdMs: 80);
        await WaitFor(() => Counter(store) == "2");

        var read = store.Read(r => r.Get("demo/button/n1"));
        Assert.Single(read.Values); // each write covered the last: no siblings
        Assert.Equal(0, stepDowns);
    }

    [Fact]
    public async Task A_press_while_the_store_is_being_recovered_is_refused_and_logged()
    {
        using var rig = new GpioRig();
        using var store = new ReplicaService(new Replica("n1", new InMemoryReplicaStorage(), new StoreOptions(), rig.Time));
        var fenced = true;
        rig.Service.OnPress = ButtonCounter.Handler(store, "n1", () => Volatile.Read(ref fenced));
        rig.Start();

        Press(rig, holdMs: 100);
        await WaitFor(() => rig.Logger.Warnings.Any(w => w.Contains("being recovered", StringComparison.Ordinal)));
        Assert.Null(Counter(store));

        Volatile.Write(ref fenced, false); // re-seeded: presses count again
        Press(rig, holdMs: 100);
        await WaitFor(() => Counter(store) == "1");
    }

    [Fact]
    public async Task Long_press_asks_for_a_step_down_and_writes_nothing()
    {
        using var rig = new GpioRig();
        var presses = 0;
        var stepDowns = 0;
        rig.Service.OnPress = () => Task.FromResult(Interlocked.Increment(ref presses));
        rig.Service.OnLongPress = () => Task.FromResult(Interlocked.Increment(ref stepDowns));
        rig.Start();

        Press(rig, holdMs: 1500); // exactly LongPressMs counts as long
        await WaitFor(() => Volatile.Read(ref stepDowns) == 1);
        Press(rig, holdMs: 1499);
        await WaitFor(() => Volatile.Read(ref presses) == 1);

        Assert.Equal(1, Volatile.Read(ref stepDowns));
    }

    [Fact]
    public async Task Many_quick_presses_lose_no_count()
    {
        using var rig = new GpioRig();
        using var store = new ReplicaService(new Replica("n7", new InMemoryReplicaStorage(), new StoreOptions(), rig.Time));
        rig.Service.OnPress = ButtonCounter.Handler(store, "n7");
        rig.Start();

        for (var i = 0; i < 20; i++)
        {
            Press(rig, holdMs: 50);
        }

        await WaitFor(() => Counter(store, "n7") == "20");
    }

    [Fact]
    public async Task A_failing_handler_is_logged_and_the_next_press_still_works()
    {
        using var rig = new GpioRig();
        var calls = 0;
        rig.Service.OnPress = () => Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("store is closed")
            : Task.CompletedTask;
        rig.Start();

        Press(rig, holdMs: 100);
        await WaitFor(() => rig.Logger.Warnings.Any(w => w.Contains("store is closed", StringComparison.Ordinal)));
        Press(rig, holdMs: 100);
        await WaitFor(() => Volatile.Read(ref calls) == 2);
    }

    [Fact]
    public void Stop_releases_the_button_pin()
    {
        var rig = new GpioRig().Start();
        rig.Dispose();

        Assert.Equal(0, rig.Driver.CallbackCount(GpioRig.Button));
        Assert.Contains("close 24", rig.Driver.Calls);
    }

    [Fact]
    public void Disabled_button_opens_no_pin()
    {
        using var rig = new GpioRig(o => o.Button.Enabled = false).Start();

        Assert.Null(rig.Driver.ModeOf(GpioRig.Button));
    }

    [Fact]
    public void Increment_counts_from_the_highest_sibling_and_treats_junk_as_zero()
    {
        var replica = new Replica("n1", new InMemoryReplicaStorage(), new StoreOptions(), TimeProvider.System);
        Assert.True(replica.Put("demo/button/n1", "\"hello\"", null).Ok);

        Assert.True(ButtonCounter.Increment(replica, "n1").Ok);
        Assert.Equal("1", Assert.Single(replica.Get("demo/button/n1").Values).Value);
        Assert.True(ButtonCounter.Increment(replica, "n1").Ok);
        Assert.Equal("2", Assert.Single(replica.Get("demo/button/n1").Values).Value);
    }

    /// <summary>Pull the line low (pressed, wired to GND), hold on fake time, release.</summary>
    private static void Press(GpioRig rig, int holdMs)
    {
        rig.Driver.SetInput(GpioRig.Button, PinValue.Low);
        rig.Time.Advance(TimeSpan.FromMilliseconds(holdMs));
        rig.Driver.SetInput(GpioRig.Button, PinValue.High);
    }

    private static string? Counter(ReplicaService store, string node = "n1") =>
        store.Read(r => r.Get($"demo/button/{node}").Values.SingleOrDefault()?.Value);

    private static async Task WaitFor(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not reached before the deadline");
            await Task.Yield();
            await Task.Delay(5);
        }
    }
}
