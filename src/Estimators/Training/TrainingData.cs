using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Native;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Training;

/// <summary>
/// The training rows of one vector column, read straight into one native [rows, features] float tensor: the only copy
/// of the data that training holds (no managed array, no shuffled training copy). Owns the tensor: dispose it.
/// </summary>
internal sealed class TrainingData : IDisposable
{
    // Rows per growth step when the view does not know its row count.
    private const int UnknownCountCapacity = 1024;

    // Values per staging chunk (4 MB): rows are copied into the tensor a chunk at a time, through spans over the
    // tensor's storage, which a Span's int length limits to 2 GB each; the whole tensor may be larger.
    private const int ChunkValues = 1 << 20;

    /// <summary>Called with consecutive row-major chunks of the rows, in order.</summary>
    public delegate void ChunkAction(Span<float> values, int rows);

    private readonly Tensor storage;
    private readonly Tensor? view;

    private TrainingData(Tensor storage, Tensor? view, int rows, int features, long skippedRows)
    {
        this.storage = storage;
        this.view = view;
        Rows = rows;
        Features = features;
        SkippedRows = skippedRows;
    }

    /// <summary>The rows as a contiguous [<see cref="Rows"/>, <see cref="Features"/>] float32 CPU tensor, owned by this object.</summary>
    public Tensor Tensor => view ?? storage;

    /// <summary>
    /// Calls <paramref name="action"/> with the rows in place in <see cref="Tensor"/>, row-major, a chunk of whole rows
    /// at a time (writable: the anomaly trainer standardizes them in place).
    /// </summary>
    public void ForEachChunk(ChunkAction action)
    {
        var chunkRows = ChunkRows(Features);
        for (var start = 0; start < Rows; start += chunkRows)
        {
            var count = Math.Min(chunkRows, Rows - start);
            using var chunk = Tensor.narrow(0, start, count);
            action(TensorData.Floats(chunk), count);
        }
    }

    private static int ChunkRows(int features) => Math.Max(1, ChunkValues / features);

    /// <summary>Rows kept.</summary>
    public int Rows { get; }

    public int Features { get; }

    /// <summary>Rows read but left out because they held NaN or infinity (only when skipping was asked for).</summary>
    public long SkippedRows { get; }

    /// <summary>Rows read from the view: kept plus skipped.</summary>
    public long RowsRead => Rows + SkippedRows;

    public void Dispose()
    {
        view?.Dispose();
        storage.Dispose();
    }

    /// <summary>
    /// Reads <paramref name="columnName"/>. By default a non-finite value is an error that names the first bad row, so
    /// a NaN never reaches the optimizer and silently ruins the weights; with <paramref name="skipNonFinite"/> such rows
    /// are left out and counted in <see cref="SkippedRows"/>, and it is an error if no row is left.
    /// </summary>
    /// <remarks>Libtorch must be loaded. When the view knows its row count the tensor is allocated once at that size;
    /// otherwise it grows by doubling and is compacted at the end.</remarks>
    public static TrainingData Load(IDataView data, string columnName, int features, bool skipNonFinite, Action checkAlive)
    {
        var column = data.Schema[columnName];
        var maxRows = Array.MaxLength / features;
        var known = data.GetRowCount();
        var capacity = (int)Math.Max(1, Math.Min(known ?? UnknownCountCapacity, maxRows));
        var buffer = empty(capacity, features);
        try
        {
            // Rows are staged in a small managed chunk and copied into the tensor chunk by chunk.
            var chunkRows = ChunkRows(features);
            var staging = new float[Math.Min(chunkRows, capacity) * features];
            var staged = 0; // rows in staging
            var flushed = 0; // rows already in the tensor
            void Flush()
            {
                if (staged == 0)
                    return;
                if (flushed + staged > capacity)
                {
                    // Grown by doubling (row count unknown): a larger tensor, the flushed rows copied natively.
                    if (capacity == maxRows)
                        throw new InvalidOperationException($"Column '{columnName}' has more than {maxRows} rows of {features} values: too many to train on in memory.");
                    while (flushed + staged > capacity)
                        capacity = (int)Math.Min((long)capacity * 2, maxRows);
                    var larger = empty(capacity, features);
                    if (flushed > 0)
                    {
                        using var target = larger.narrow(0, 0, flushed);
                        using var source = buffer.narrow(0, 0, flushed);
                        target.copy_(source);
                    }
                    buffer.Dispose();
                    buffer = larger;
                }
                using (var destination = buffer.narrow(0, flushed, staged))
                    TensorData.Write(destination, staging.AsSpan(0, staged * features));
                flushed += staged;
                staged = 0;
            }

            var vector = default(VBuffer<float>);
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
                    getter(ref vector);
                    if (vector.Length != features)
                        throw new InvalidOperationException($"Column '{columnName}', row {read}: vector of size {vector.Length}; expected {features}.");
                    if (staged * features == staging.Length)
                    {
                        Flush();
                        if (staging.Length < chunkRows * features)
                            staging = new float[chunkRows * features]; // the first chunk was small: the count was unknown or small
                    }
                    var row = staging.AsSpan(staged * features, features);
                    vector.CopyTo(row);
                    read++;
                    var bad = FirstNonFinite(row);
                    if (bad < 0)
                    {
                        rows++;
                        staged++;
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
            Flush();
            if (read == 0)
                throw new InvalidOperationException($"Column '{columnName}' has no rows: cannot train an autoencoder on empty data.");
            if (rows == 0)
                throw new InvalidOperationException(
                    $"Column '{columnName}': all {read} rows read hold NaN or infinity and were skipped ({nameof(AutoencoderOptions.SkipRowsWithNonFiniteValues)}): " +
                    $"{skipped} of {read} rows skipped, none left to train an autoencoder on.");
            if (rows == capacity)
                return new TrainingData(buffer, null, rows, features, skipped);
            if (capacity - rows <= rows / 8)
                return new TrainingData(buffer, buffer.narrow(0, 0, rows), rows, features, skipped); // a few skipped rows: keep the slack
            Tensor compact;
            using (var head = buffer.narrow(0, 0, rows))
                compact = head.clone(); // grown by doubling, or many rows skipped
            buffer.Dispose();
            return new TrainingData(compact, null, rows, features, skipped);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
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
