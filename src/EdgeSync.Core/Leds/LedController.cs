namespace EdgeSync.Core.Leds;

/// <summary>
/// Turns samples of node state into LED on/off and writes only the changes to an
/// <see cref="ILedSink"/>. Call <see cref="Update"/> at <see cref="NextEdge"/> (when a blink or
/// flash is due to change) and often enough to notice a new state; a pattern's phase starts when
/// the pattern changes, so the first edge of a new state is immediate. Thread-safe: ticks and
/// <see cref="TurnOff"/> are serialised, and <see cref="Snapshot"/> can be read from any thread.
/// </summary>
public sealed class LedController
{
    private const int LedCount = 4;

    private readonly ILedSink _sink;
    private readonly TimeProvider _time;
    private readonly LedTimings _timings;
    private readonly Lock _gate = new();
    private readonly LedPattern[] _pattern = new LedPattern[LedCount];
    private readonly long[] _patternSince = new long[LedCount];
    private readonly bool?[] _written = new bool?[LedCount];
    private bool _started;
    private long _lastActivityCount;
    private bool _flashPending;
    private long? _flashStartedAt;
    private volatile LedSnapshot _snapshot = LedSnapshot.AllOff;

    public LedController(ILedSink sink, TimeProvider time, LedTimings? timings = null)
    {
        _sink = sink;
        _time = time;
        _timings = timings ?? LedTimings.Default;
    }

    public LedSnapshot Snapshot => _snapshot;

    public LedTimings Timings => _timings;

    /// <summary>
    /// The earliest timestamp after <paramref name="now"/> at which an LED changes if the input stays as
    /// last sampled: a blink's next half period, a flash's end or the end of its dark gap (when a
    /// pending flash may start). <see cref="long.MaxValue"/> when every LED is steady.
    /// </summary>
    public long NextEdge(long now)
    {
        lock (_gate)
        {
            var due = long.MaxValue;
            for (var i = 0; i < LedCount; i++)
            {
                if (LedPatterns.PeriodOf(_pattern[i], _timings) is { } period)
                {
                    // Edges fall on half periods from the pattern's start.
                    var half = Ticks(period / 2);
                    var into = (now - _patternSince[i]) % half;
                    due = Math.Min(due, now - into + half);
                }
            }

            if (_flashStartedAt is { } started)
            {
                var on = started + Ticks(_timings.FlashOn);
                var gapEnd = on + Ticks(_timings.FlashGap);
                due = Math.Min(due, now < on ? on : now < gapEnd ? gapEnd : long.MaxValue);
            }

            return due;
        }
    }

    public LedSnapshot Update(LedInput input)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (!_started)
            {
                // Updates counted before the LEDs started are history, not activity.
                _started = true;
                _lastActivityCount = input.ActivityCount;
            }

            var status = Apply(Led.Status, LedPatterns.ForStatus(input.SinceAlive, _timings), now);
            var leader = Apply(Led.Leader, LedPatterns.ForRole(input.Role), now);
            var partition = Apply(Led.Partition, LedPatterns.ForPartition(input.Partition), now);
            var activity = UpdateActivity(input.ActivityCount, now);
            _snapshot = new LedSnapshot(status, leader, partition, activity);
            return _snapshot;
        }
    }

    /// <summary>All LEDs dark (on shutdown): a stopped agent must not leave a stale "leader" lit.</summary>
    public void TurnOff()
    {
        lock (_gate)
        {
            for (var i = 0; i < LedCount; i++)
            {
                _pattern[i] = LedPattern.Off;
                Write((Led)i, false);
            }

            _flashStartedAt = null;
            _flashPending = false;
            _started = false;
            _snapshot = LedSnapshot.AllOff;
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private LedState Apply(Led led, LedPattern pattern, long now)
    {
        var i = (int)led;
        if (_pattern[i] != pattern || _written[i] is null)
        {
            _pattern[i] = pattern;
            _patternSince[i] = now;
        }

        var on = LedPatterns.IsOn(pattern, _time.GetElapsedTime(_patternSince[i], now), _timings);
        Write(led, on);
        return new LedState(on, pattern);
    }

    // One flash per burst: increases seen while a flash (or the dark gap after it) is running
    // are folded into a single follow-up flash.
    private LedState UpdateActivity(long count, long now)
    {
        if (count != _lastActivityCount)
        {
            _lastActivityCount = count;
            _flashPending = true;
        }

        if (_flashStartedAt is { } started && _time.GetElapsedTime(started, now) >= _timings.FlashOn + _timings.FlashGap)
        {
            _flashStartedAt = null;
        }

        if (_flashStartedAt is null && _flashPending)
        {
            _flashStartedAt = now;
            _flashPending = false;
        }

        var on = _flashStartedAt is { } start && _time.GetElapsedTime(start, now) < _timings.FlashOn;
        _pattern[(int)Led.Activity] = on ? LedPattern.Flash : LedPattern.Off;
        Write(Led.Activity, on);
        return new LedState(on, _pattern[(int)Led.Activity]);
    }

    private void Write(Led led, bool on)
    {
        var i = (int)led;
        if (_written[i] == on)
        {
            return;
        }

        _written[i] = on;
        _sink.Set(led, on);
    }
}
