using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MLNetAutoencoders.Training;

/// <summary>The training rows of one vector column, copied into a dense row-major array.</summary>
internal sealed class TrainingData
{
    private TrainingData(float[] values, int rows, int features, long skippedRows)
    {
        Values = values;
        Rows = rows;
        Features = features;
        SkippedRows = skippedRows;
    }

    public float[] Values { get; }

    /// <summary>Rows kept (the rows in <see cref="Values"/>).</summary>
    public int Rows { get; }

    public int Features { get; }

    /// <summary>Rows read but left out because they held NaN or infinity (only when skipping was asked for).</summary>
    public long SkippedRows { get; }

    /// <summary>Rows read from the view: kept plus skipped.</summary>
    public long RowsRead => Rows + SkippedRows;

    /// <summary>
    /// Reads <paramref name="columnName"/>. By default a non-finite value is an error that names the first bad row, so
    /// a NaN never reaches the optimizer and silently ruins the weights; with <paramref name="skipNonFinite"/> such rows
    /// are left out and counted in <see cref="SkippedRows"/>, and it is an error if no row is left.
    /// </summary>
    public static TrainingData Load(IDataView data, string columnName, int features, bool skipNonFinite, Action checkAlive)
    {
        var column = data.Schema[columnName];
        // Exact size when the view knows its row count; otherwise grow by doubling.
        var values = new float[checked((int)Math.Max(1, Math.Min(data.GetRowCount() ?? 1024, Array.MaxLength / features)) * features)];
        var buffer = default(VBuffer<float>);
        var rows = 0;
        long read = 0;
        long skipped = 0;
        using (var cursor = data.GetRowCursor(new[] { column }))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            while (cursor.MoveNext())
            {
                if ((read & 1023) == 0)
                    checkAlive();
                getter(ref buffer);
                if (buffer.Length != features)
                    throw new InvalidOperationException($"Column '{columnName}', row {read}: vector of size {buffer.Length}; expected {features}.");
                if ((long)(rows + 1) * features > values.Length)
                    Array.Resize(ref values, (int)Math.Min((long)values.Length * 2, (long)Array.MaxLength / features * features));
                var row = values.AsSpan(rows * features, features);
                buffer.CopyTo(row);
                read++;
                var bad = FirstNonFinite(row);
                if (bad < 0)
                {
                    rows++;
                }
                else if (skipNonFinite)
                {
                    skipped++; // the next row overwrites this one
                }
                else
                {
                    throw new InvalidOperationException(
                        $"Column '{columnName}', row {read - 1}: value {row[bad]} at index {bad}. Training data must be finite; remove or impute such rows first " +
                        $"(e.g. mlContext.Data.FilterRowsByMissingValues or mlContext.Transforms.ReplaceMissingValues), or set {nameof(AutoencoderOptions.SkipRowsWithNonFiniteValues)} to skip them.");
                }
            }
        }
        if (read == 0)
            throw new InvalidOperationException($"Column '{columnName}' has no rows: cannot train an autoencoder on empty data.");
        if (rows == 0)
            throw new InvalidOperationException(
                $"Column '{columnName}': all {read} rows read hold NaN or infinity and were skipped ({nameof(AutoencoderOptions.SkipRowsWithNonFiniteValues)}): " +
                $"{skipped} of {read} rows skipped, none left to train an autoencoder on.");
        if (values.Length != rows * features)
            Array.Resize(ref values, rows * features);
        return new TrainingData(values, rows, features, skipped);
    }

    private static int FirstNonFinite(ReadOnlySpan<float> row)
    {
        for (var j = 0; j < row.Length; j++)
            if (!float.IsFinite(row[j]))
                return j;
        return -1;
    }

    /// <summary>Logs how many rows were skipped, if any.</summary>
    public void ReportSkipped(IChannel channel, string columnName)
    {
        if (SkippedRows > 0)
            channel.Warning($"Skipped {SkippedRows} of {RowsRead} training rows of column '{columnName}' holding NaN or infinity; training on the other {Rows}.");
    }
}
