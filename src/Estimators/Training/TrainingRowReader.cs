using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Training;

/// <summary>
/// Reads the training column through one cursor, a row at a time, with the checks both training paths share: the
/// vector's size, non-finite values (an error naming the column, the row and the value, or the row skipped and
/// counted), the validation split, and cancellation every 1024 rows.
/// </summary>
internal sealed class TrainingRowReader : IDisposable
{
    private readonly DataViewRowCursor cursor;
    private readonly ValueGetter<VBuffer<float>> getter;
    private readonly ValueGetter<DataViewRowId> idGetter;
    private readonly string columnName;
    private readonly int features;
    private readonly bool skipNonFinite;
    private readonly bool shuffled;
    private readonly ValidationSplit? split;
    private readonly Action checkAlive;
    private VBuffer<float> vector;

    /// <summary>Opens a cursor on <paramref name="data"/>; a shuffling one when <paramref name="shuffle"/> is given (the view must be able to shuffle).</summary>
    public TrainingRowReader(IDataView data, string columnName, int features, bool skipNonFinite, ValidationSplit? split, Action checkAlive, Random? shuffle = null)
    {
        var column = data.Schema[columnName];
        cursor = data.GetRowCursor(new[] { column }, shuffle);
        getter = cursor.GetGetter<VBuffer<float>>(column);
        idGetter = cursor.GetIdGetter();
        this.columnName = columnName;
        this.features = features;
        this.skipNonFinite = skipNonFinite;
        shuffled = shuffle is not null;
        this.split = split;
        this.checkAlive = checkAlive;
    }

    /// <summary>Rows read: returned plus skipped.</summary>
    public long Read { get; private set; }

    /// <summary>Rows left out because they held NaN or infinity.</summary>
    public long Skipped { get; private set; }

    /// <summary>Whether the row last returned by <see cref="Next"/> is a validation row.</summary>
    public bool IsValidation { get; private set; }

    /// <summary>Copies the next finite row into <paramref name="destination"/> (of the row's size); false at the end.</summary>
    public bool Next(Span<float> destination)
    {
        while (cursor.MoveNext())
        {
            if ((Read & 1023) == 0)
                checkAlive();
            getter(ref vector);
            if (vector.Length != features)
                throw new InvalidOperationException($"Column '{columnName}', row {RowNumber()}: vector of size {vector.Length}; expected {features}.");
            vector.CopyTo(destination);
            Read++;
            var bad = FirstNonFinite(destination);
            if (bad >= 0)
            {
                if (!skipNonFinite)
                    throw new InvalidOperationException(
                        $"Column '{columnName}', row {RowNumber()}: value {destination[bad]} at index {bad}. Training data must be finite; remove or impute such rows first " +
                        $"(e.g. mlContext.Data.FilterRowsByMissingValues or mlContext.Transforms.ReplaceMissingValues), or set {nameof(AutoencoderOptions.SkipRowsWithNonFiniteValues)} to skip them.");
                Skipped++;
                continue;
            }
            IsValidation = split is not null && split.IsValidation(Id());
            return true;
        }
        return false;
    }

    /// <summary>The row's position in the view; under a shuffling cursor, its row id (the position for ML.NET's in-memory views).</summary>
    private string RowNumber()
    {
        if (!shuffled)
            return cursor.Position.ToString();
        var id = Id();
        return id.High == 0 ? id.Low.ToString() : id.ToString();
    }

    private DataViewRowId Id()
    {
        var id = default(DataViewRowId);
        idGetter(ref id);
        return id;
    }

    private static int FirstNonFinite(ReadOnlySpan<float> row)
    {
        for (var j = 0; j < row.Length; j++)
            if (!float.IsFinite(row[j]))
                return j;
        return -1;
    }

    /// <summary>The errors of a pass that kept no row, as in-memory loading states them.</summary>
    public static void RequireRows(string columnName, long read, long kept, long skipped)
    {
        if (read == 0)
            throw new InvalidOperationException($"Column '{columnName}' has no rows: cannot train an autoencoder on empty data.");
        if (kept == 0)
            throw new InvalidOperationException(
                $"Column '{columnName}': all {read} rows read hold NaN or infinity and were skipped ({nameof(AutoencoderOptions.SkipRowsWithNonFiniteValues)}): " +
                $"{skipped} of {read} rows skipped, none left to train an autoencoder on.");
    }

    public void Dispose() => cursor.Dispose();
}
