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

    /// <summary>
    /// Scores <paramref name="rows"/> rows laid out row-major in <paramref name="input"/>; fills
    /// <c>outputs[i]</c> (rows * width) for every i with <c>active[i]</c>. <paramref name="firstPosition"/> is the
    /// cursor position of the first row, for scorers whose randomness depends on the row.
    /// </summary>
    void Score(ReadOnlySpan<float> input, int rows, long firstPosition, IReadOnlyList<bool> active, float[][] outputs);
}
