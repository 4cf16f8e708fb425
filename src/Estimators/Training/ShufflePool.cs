namespace MLNetAutoencoders.Training;

/// <summary>
/// A bounded shuffle pool of rows (managed, row-major): rows are added until it is full; then each row added evicts a
/// random row, which goes to the next mini-batch, and takes its place (a reservoir, as ML.NET's shuffling transform and
/// tf.data's shuffle buffer). At the end of a pass the remaining rows leave in a random order.
/// </summary>
internal sealed class ShufflePool(int capacity, int features)
{
    private readonly float[] rows = new float[(long)capacity * features];

    /// <summary>The most rows the pool holds.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>Rows in the pool now.</summary>
    public int Count { get; private set; }

    /// <summary>The most rows the pool has held since it was created (a measurement for tests and the log).</summary>
    public int PeakCount { get; private set; }

    public void Clear() => Count = 0;

    /// <summary>The row in slot <paramref name="index"/>.</summary>
    public Span<float> Row(int index) => rows.AsSpan(index * features, features);

    /// <summary>
    /// Adds <paramref name="row"/>. Returns false when there was room; when the pool was full, copies a random row
    /// (drawn from <paramref name="random"/>) to <paramref name="evicted"/>, puts <paramref name="row"/> in its slot and
    /// returns true.
    /// </summary>
    public bool Add(ReadOnlySpan<float> row, Random random, Span<float> evicted)
    {
        if (Count < Capacity)
        {
            row.CopyTo(Row(Count++));
            PeakCount = Math.Max(PeakCount, Count);
            return false;
        }
        var slot = Row(random.Next(Capacity));
        slot.CopyTo(evicted);
        row.CopyTo(slot);
        return true;
    }
}
