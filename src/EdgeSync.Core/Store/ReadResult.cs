using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Store;

/// <summary>A key as read: its live values (deterministic order), whether they conflict, its context.</summary>
public sealed record ReadResult(string Key, IReadOnlyList<Sibling> Values, DotSet Context, KeyState? State)
{
    public bool Found => Values.Count > 0;

    public bool Conflict => Values.Count > 1;

    public static ReadResult From(string key, KeyState? state)
    {
        if (state is null)
        {
            return new ReadResult(key, [], new DotSet(), null);
        }

        var values = state.LiveValues.OrderBy(s => s.Timestamp).ThenBy(s => s.Origin, StringComparer.Ordinal).ToList();
        return new ReadResult(key, values, state.Context, state);
    }
}
