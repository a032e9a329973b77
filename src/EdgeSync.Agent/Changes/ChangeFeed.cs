using System.Buffers;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Changes;

/// <summary>
/// Every durable change on this node (local writes, replicated updates, purges), numbered in
/// commit order and kept in a ring of the most recent <see cref="Capacity"/> (at most
/// <see cref="MaxBytes"/> of events, so large values cannot hold much memory) so a reader can
/// resume with <c>since</c>. Numbers go on growing across restarts (<see cref="ChangeNumbers"/>); a
/// reader asking for changes the ring no longer holds, or with a number it never handed out, is
/// told so and should re-list.
/// A change is held as its rendered event, one array, not as the change's objects (its state, its
/// siblings, their version vectors): every change enters the ring, so what it holds survives the
/// next garbage collection, whose pause grows with what survives.
/// Until the first reader of this process arrives, changes are only counted, not rendered: their
/// numbers reach clients only through the feed, so no reader can hold one, and a number from an
/// earlier process is behind the ring either way (a gap). A node nobody watches saves the work.
/// Once no reader has asked for <see cref="IdleAfter"/> (a connected one asks at least every 15 s,
/// at its keep-alive), the ring is let go and counting starts again: a reader coming back later
/// is told of the gap, as it would be once the ring had wrapped, and re-lists.
/// </summary>
public sealed class ChangeFeed : IDisposable
{
    public const int Capacity = 10_000;

    /// <summary>Budget of the ring's rendered events (UTF-8 bytes).</summary>
    public const long MaxBytes = 1024 * 1024;

    /// <summary>How long the ring is kept for readers after the last one asked.</summary>
    public static readonly TimeSpan IdleAfter = TimeSpan.FromMinutes(5);

    /// <summary>The rendering buffer kept between changes; one a large value grew past 16x this is let go.</summary>
    private const int ScratchBytes = 4096;

    private readonly int _capacity;
    private readonly long _maxBytes;
    private long _bytes;

    private readonly ReplicaService _store;
    private readonly ChangeNumbers _numbers;
    private readonly FrameRenderer _render;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly EventRing _ring = new();
    private ArrayBufferWriter<byte> _scratch = new(ScratchBytes);
    private long _last;
    private bool _watched;
    private long _lastAsked;
    private TaskCompletionSource _next = NewSource();

    public ChangeFeed(ReplicaService store, ChangeNumbers numbers, TimeProvider time)
        : this(store, Capacity, MaxBytes, time, numbers: numbers)
    {
    }

    /// <param name="render">Replaces <see cref="ChangeFrame.Render"/>; tests inject a failing one.</param>
    /// <param name="numbers">Where numbering starts and is reserved; by default from 0, kept nowhere.</param>
    internal ChangeFeed(ReplicaService store, int capacity, long maxBytes, TimeProvider? time = null, FrameRenderer? render = null, ChangeNumbers? numbers = null)
    {
        _render = render ?? ChangeFrame.Render;
        _store = store;
        _numbers = numbers ?? new ChangeNumbers(dataDir: null);
        _last = _numbers.Start;
        _time = time ?? TimeProvider.System;
        _capacity = capacity;
        _maxBytes = maxBytes;
        store.Committed += OnCommitted;
    }

    /// <summary>The number of the latest change (where numbering started, before the first).</summary>
    public long Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>A reader arrives without a number: from now on every change is kept for readers; the latest number.</summary>
    public long Watch()
    {
        lock (_gate)
        {
            Asked();
            return _last;
        }
    }

    /// <summary>
    /// Changes after <paramref name="since"/>. <c>Gap</c> is true when some were already dropped, or
    /// when <paramref name="since"/> is a number this feed never handed out (one from a wiped data
    /// directory); <c>Position</c> is where the reader now stands, before <c>Events</c> (after a gap:
    /// just before the oldest change held, so the gap is reported once).
    /// </summary>
    public (IReadOnlyList<ChangeEvent> Events, bool Gap, Task Next, long Position) After(long since)
    {
        lock (_gate)
        {
            Asked();
            if (since > _last)
            {
                return ([], true, _next.Task, _last);
            }

            var first = _ring.Count > 0 ? _ring[0].Seq : _last + 1;
            var start = (int)Math.Clamp(since + 1 - first, 0, _ring.Count);
            var events = new List<ChangeEvent>(_ring.Count - start);
            for (var i = start; i < _ring.Count; i++)
            {
                events.Add(_ring[i]);
            }

            // Told of the gap once, the reader stands just before the oldest change still held.
            var gap = since + 1 < first && since < _last;
            return (events, gap, _next.Task, gap ? first - 1 : since);
        }
    }

    public void Dispose() => _store.Committed -= OnCommitted;

    private void OnCommitted(IReadOnlyList<ReplicaChange> changes)
    {
        TaskCompletionSource wake;
        Exception? failed = null;
        Exception? unreserved = null;
        var at = _time.GetUtcNow(); // called right after the batch is durable
        lock (_gate)
        {
            try
            {
                _numbers.Reserve(_last + changes.Count);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // These changes are numbered and shown all the same; only a resume across the next restart is at risk.
                unreserved = e;
            }

            if (_watched && _time.GetElapsedTime(_lastAsked) >= IdleAfter)
            {
                // Every reader is gone: let the ring go (anyone resuming before its end is told of the gap).
                _watched = false;
                _ring.Clear();
                _bytes = 0;
            }

            if (!_watched)
            {
                _last += changes.Count;
                changes = [];
            }

            foreach (var change in changes)
            {
                var seq = ++_last;
                byte[] frame;
                try
                {
                    frame = _render(_scratch, seq, change, at);
                }
                catch (Exception e)
                {
                    // A change that cannot be shown leaves a hole: empty the ring, so every reader
                    // before the hole is told of a gap and re-lists instead of silently missing it.
                    failed ??= e;
                    _ring.Clear();
                    _bytes = 0;
                    continue;
                }

                _ring.Enqueue(new ChangeEvent(seq, change.Key, frame));
                _bytes += frame.Length;
                if (_scratch.Capacity > 16 * ScratchBytes)
                {
                    _scratch = new ArrayBufferWriter<byte>(ScratchBytes);
                }

                while (_ring.Count > 1 && (_ring.Count > _capacity || _bytes > _maxBytes))
                {
                    _bytes -= _ring.Dequeue().Frame.Length;
                }
            }

            wake = _next;
            _next = NewSource();
        }

        wake.TrySetResult();
        if (failed is not null)
        {
            // The store reports and counts it (ReplicaService.ListenerFailed).
            throw new InvalidOperationException($"The changes feed could not render a change: {failed.Message}", failed);
        }

        if (unreserved is not null)
        {
            throw new InvalidOperationException($"The changes feed could not reserve change numbers in {ChangeNumbers.FileName} ({unreserved.Message}); a reader resuming after the next restart may miss changes", unreserved);
        }
    }

    /// <summary>Under the gate: a reader is here, so changes are kept from now on.</summary>
    private void Asked()
    {
        _watched = true;
        _lastAsked = _time.GetTimestamp();
    }

    internal delegate byte[] FrameRenderer(ArrayBufferWriter<byte> scratch, long seq, ReplicaChange change, DateTimeOffset at);

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
