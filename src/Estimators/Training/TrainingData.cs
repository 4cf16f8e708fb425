using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Training;

/// <summary>The training rows of one vector column, copied into a dense row-major array.</summary>
internal sealed class TrainingData
{
    private TrainingData(float[] values, int rows, int features)
    {
        Values = values;
        Rows = rows;
        Features = features;
    }

    public float[] Values { get; }

    public int Rows { get; }

    public int Features { get; }

    /// <summary>
    /// Reads <paramref name="columnName"/>. A non-finite value is an error that names the first bad row, so a
    /// NaN never reaches the optimizer and silently ruins the weights.
    /// </summary>
    public static TrainingData Load(IDataView data, string columnName, int features, Action checkAlive)
    {
        var column = data.Schema[columnName];
        // Exact size when the view knows its row count; otherwise grow by doubling.
        var values = new float[checked((int)Math.Max(1, Math.Min(data.GetRowCount() ?? 1024, Array.MaxLength / features)) * features)];
        var buffer = default(VBuffer<float>);
        var rows = 0;
        using (var cursor = data.GetRowCursor(new[] { column }))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            while (cursor.MoveNext())
            {
                if ((rows & 1023) == 0)
                    checkAlive();
                getter(ref buffer);
                if (buffer.Length != features)
                    throw new InvalidOperationException($"Column '{columnName}', row {rows}: vector of size {buffer.Length}; expected {features}.");
                if ((long)(rows + 1) * features > values.Length)
                    Array.Resize(ref values, (int)Math.Min((long)values.Length * 2, (long)Array.MaxLength / features * features));
                var row = values.AsSpan(rows * features, features);
                buffer.CopyTo(row);
                for (var j = 0; j < features; j++)
                    if (!float.IsFinite(row[j]))
                        throw new InvalidOperationException(
                            $"Column '{columnName}', row {rows}: value {row[j]} at index {j}. Training data must be finite; remove or impute such rows first.");
                rows++;
            }
        }
        if (rows == 0)
            throw new InvalidOperationException($"Column '{columnName}' has no rows: cannot train an autoencoder on empty data.");
        if (values.Length != rows * features)
            Array.Resize(ref values, rows * features);
        return new TrainingData(values, rows, features);
    }
}
