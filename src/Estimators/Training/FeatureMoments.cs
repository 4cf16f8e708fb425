namespace MLNetAutoencoders.Training;

/// <summary>
/// Exact per-feature mean and population variance of rows seen one at a time, in double precision, without holding
/// the rows: blocks of <see cref="BlockRows"/> rows are summarized (mean, sum of squared deviations) and merged into
/// the running totals with Chan et al.'s pairwise update, which is as accurate as the two-pass formula within a block
/// and stable across blocks. Both training paths feed it the rows in view order, so they get the same numbers.
/// </summary>
internal sealed class FeatureMoments(int features)
{
    private const int BlockRows = 256;
    private readonly float[] block = new float[BlockRows * features];
    private readonly double[] mean = new double[features];
    private readonly double[] squares = new double[features];
    private readonly double[] blockMean = new double[features];
    private readonly double[] blockSquares = new double[features];
    private int blockCount;
    private long count;

    /// <summary>Rows added.</summary>
    public long Count => count + blockCount;

    /// <summary>Adds one row of <c>features</c> values.</summary>
    public void Add(ReadOnlySpan<float> row)
    {
        row.CopyTo(block.AsSpan(blockCount * features, features));
        if (++blockCount == BlockRows)
            Merge();
    }

    /// <summary>Adds consecutive rows, row-major.</summary>
    public void AddRows(ReadOnlySpan<float> rows)
    {
        for (var start = 0; start < rows.Length; start += features)
            Add(rows.Slice(start, features));
    }

    /// <summary>The means and population variances of every row added.</summary>
    public (double[] Means, double[] Variances) Result()
    {
        Merge();
        return (mean.ToArray(), squares.Select(s => count > 0 ? s / count : 0).ToArray());
    }

    private void Merge()
    {
        if (blockCount == 0)
            return;
        Array.Clear(blockMean);
        Array.Clear(blockSquares);
        for (var i = 0; i < blockCount; i++)
        {
            var row = block.AsSpan(i * features, features);
            for (var j = 0; j < features; j++)
                blockMean[j] += row[j];
        }
        for (var j = 0; j < features; j++)
            blockMean[j] /= blockCount;
        for (var i = 0; i < blockCount; i++)
        {
            var row = block.AsSpan(i * features, features);
            for (var j = 0; j < features; j++)
            {
                var d = row[j] - blockMean[j];
                blockSquares[j] += d * d;
            }
        }
        var total = count + blockCount;
        for (var j = 0; j < features; j++)
        {
            var delta = blockMean[j] - mean[j];
            mean[j] += delta * blockCount / total;
            squares[j] += blockSquares[j] + delta * delta * count * blockCount / total;
        }
        count = total;
        blockCount = 0;
    }
}
