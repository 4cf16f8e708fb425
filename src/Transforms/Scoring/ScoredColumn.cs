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
