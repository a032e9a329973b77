namespace EdgeSync.Agent.Changes;

/// <summary>
/// The feed's recent changes, oldest first, reachable by position: numbers are consecutive, so a
/// reader resuming after change N starts at its place instead of scanning the whole ring, which on
/// a busy node costs a follower a few percent of its CPU per reader.
/// </summary>
internal sealed class EventRing
{
    private ChangeEvent[] _items = new ChangeEvent[64];
    private int _head;

    public int Count { get; private set; }

    public ChangeEvent this[int index] => _items[(_head + index) % _items.Length];

    public void Enqueue(ChangeEvent e)
    {
        if (Count == _items.Length)
        {
            Grow();
        }

        _items[(_head + Count) % _items.Length] = e;
        Count++;
    }

    public ChangeEvent Dequeue()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("The ring is empty.");
        }

        var item = _items[_head];
        _items[_head] = default; // let the event go
        _head = (_head + 1) % _items.Length;
        Count--;
        return item;
    }

    public void Clear()
    {
        Array.Clear(_items);
        _head = 0;
        Count = 0;
    }

    private void Grow()
    {
        var bigger = new ChangeEvent[_items.Length * 2];
        for (var i = 0; i < Count; i++)
        {
            bigger[i] = this[i];
        }

        _items = bigger;
        _head = 0;
    }
}
