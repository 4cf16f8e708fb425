namespace MLNetAutoencoders.Scoring;

/// <summary>
/// A network applied to a batch of rows. Implementations are thread-safe: one scorer serves every cursor.
/// </summary>
internal interface IBatchScorer
{
    /// <summary>Size of the input vector; 0 for a scorer that reads no column (the rows only give it positions).</summary>
    int InputSize { get; }

    /// <summary>The columns this scorer adds.</summary>
    IReadOnlyList<ScoredColumn> Outputs { get; }

    /// <summary>Where a cursor puts up to <paramref name="capacity"/> input rows; the cursor disposes it.</summary>
    InputBatch CreateInputBatch(int capacity);

    /// <summary>
    /// Scores the first <paramref name="rows"/> rows of <paramref name="input"/>; fills
    /// <c>outputs[i]</c> (rows * width) for every i with <c>active[i]</c>. <paramref name="firstPosition"/> is the
    /// cursor position of the first row, for scorers whose randomness depends on the row. The input's values may be
    /// changed by scoring (the detector standardizes in place): refill before scoring again.
    /// </summary>
    void Score(InputBatch input, int rows, long firstPosition, IReadOnlyList<bool> active, float[][] outputs);
}
