using Microsoft.ML.Data;

namespace MLNetAutoencoders.Scoring;

/// <summary>
/// An output column a scorer produces: a known-size vector of Single, or a Single when <see cref="Size"/> is 0, or
/// a Boolean when <see cref="IsBoolean"/> (held in the batch buffer as 0 or 1).
/// </summary>
internal sealed record ScoredColumn(string Name, int Size, bool IsBoolean = false)
{
    public DataViewType Type => IsBoolean ? BooleanDataViewType.Instance
        : Size == 0 ? NumberDataViewType.Single : new VectorDataViewType(NumberDataViewType.Single, Size);

    public int Width => Math.Max(1, Size);
}

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
