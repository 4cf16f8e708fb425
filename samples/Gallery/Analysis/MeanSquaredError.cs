namespace MLNetAutoencoders.Samples.Gallery.Analysis;

/// <summary>Reconstruction error against a reference other than the input (e.g. the clean image of a corrupted one).</summary>
public static class MeanSquaredError
{
    /// <summary>Mean over rows and features of the squared difference between <paramref name="rows"/> and the reference, stored flat row after row.</summary>
    public static double Between(float[][] rows, ReadOnlySpan<float> flatReference)
    {
        if (rows.Length == 0)
            return double.NaN;
        var size = rows[0].Length;
        ArgumentOutOfRangeException.ThrowIfNotEqual(flatReference.Length, rows.Length * size, nameof(flatReference));
        var sum = 0.0;
        for (var r = 0; r < rows.Length; r++)
        {
            var reference = flatReference.Slice(r * size, size);
            for (var i = 0; i < size; i++)
            {
                var d = (double)rows[r][i] - reference[i];
                sum += d * d;
            }
        }
        return sum / ((double)rows.Length * size);
    }
}
