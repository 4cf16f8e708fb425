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

    private TrainingData(Tensor storage, Tensor? view, int rows, int features, long skippedRows, bool[]? validation)
    {
        this.storage = storage;
        this.view = view;
        Rows = rows;
        Features = features;
        SkippedRows = skippedRows;
        IsValidation = validation;
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

    /// <summary>Per kept row, whether it is a validation row (<see cref="ValidationSplit"/>); null without a split.</summary>
    public bool[]? IsValidation { get; }

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
    /// are left out and counted in <see cref="SkippedRows"/>, and it is an error if no row is left. With
    /// <paramref name="split"/>, each kept row's <see cref="IsValidation"/> flag is set by its row id.
    /// </summary>
    /// <remarks>Libtorch must be loaded. When the view knows its row count the tensor is allocated once at that size;
    /// otherwise it grows by doubling (never beyond the budget) and is compacted at the end.</remarks>
    public static TrainingData Load(IDataView data, string columnName, int features, bool skipNonFinite, Action checkAlive,
        ValidationSplit? split = null) => TryLoad(data, columnName, features, skipNonFinite, checkAlive, split, null)!;

    /// <summary>
    /// <see cref="Load"/> within <paramref name="budgetBytes"/> (null: no limit): reading stops, everything read is freed
    /// and null is returned as soon as the rows exceed the budget (the caller then streams); a known row count that
    /// exceeds it returns null before any row is read.
    /// </summary>
    public static TrainingData? TryLoad(IDataView data, string columnName, int features, bool skipNonFinite, Action checkAlive,
        ValidationSplit? split, long? budgetBytes)
    {
        var maxRows = Array.MaxLength / features;
        var budgetRows = budgetBytes is { } budget ? budget / (4L * features) : long.MaxValue;
        var known = data.GetRowCount();
        if (known > budgetRows)
            return null;
        var capacity = (int)Math.Max(1, Math.Min(Math.Min(known ?? UnknownCountCapacity, maxRows), budgetRows));
        var buffer = empty(capacity, features);
        var validation = split is null ? null : new List<bool>(capacity);
        try
        {
            // Rows are staged in a small managed chunk and copied into the tensor chunk by chunk.
            var chunkRows = ChunkRows(features);
            var staging = new float[Math.Min(chunkRows, capacity) * features];
            var staged = 0; // rows in staging
            var flushed = 0; // rows already in the tensor
            bool Flush()
            {
                if (staged == 0)
                    return true;
                if (flushed + staged > capacity)
                {
                    if ((long)flushed + staged > budgetRows)
                        return false;
                    // Grown by doubling (row count unknown): a larger tensor, the flushed rows copied natively.
                    if (capacity == maxRows)
                        throw new InvalidOperationException($"Column '{columnName}' has more than {maxRows} rows of {features} values: too many to train on in memory.");
                    while (flushed + staged > capacity)
                        capacity = (int)Math.Min(Math.Min((long)capacity * 2, maxRows), budgetRows);
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
                return true;
            }

            var rows = 0;
            long read, skipped;
            using (var reader = new TrainingRowReader(data, columnName, features, skipNonFinite, split, checkAlive))
            {
                while (true)
                {
                    if (staged * features == staging.Length)
                    {
                        if (!Flush())
                        {
                            buffer.Dispose();
                            return null;
                        }
                        if (staging.Length < chunkRows * features)
                            staging = new float[chunkRows * features]; // the first chunk was small: the count was unknown or small
                    }
                    if (!reader.Next(staging.AsSpan(staged * features, features)))
                        break;
                    validation?.Add(reader.IsValidation);
                    rows++;
                    staged++;
                }
                read = reader.Read;
                skipped = reader.Skipped;
            }
            if (!Flush())
            {
                buffer.Dispose();
                return null;
            }
            TrainingRowReader.RequireRows(columnName, read, rows, skipped);
            var flags = validation?.ToArray();
            if (rows == capacity)
                return new TrainingData(buffer, null, rows, features, skipped, flags);
            if (capacity - rows <= rows / 8)
                return new TrainingData(buffer, buffer.narrow(0, 0, rows), rows, features, skipped, flags); // a few skipped rows: keep the slack
            Tensor compact;
            using (var head = buffer.narrow(0, 0, rows))
                compact = head.clone(); // grown by doubling, or many rows skipped
            buffer.Dispose();
            return new TrainingData(compact, null, rows, features, skipped, flags);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>Logs how many rows were skipped, if any.</summary>
    public void ReportSkipped(IChannel channel, string columnName) => ReportSkipped(channel, columnName, SkippedRows, RowsRead);

    /// <summary>Logs that <paramref name="skipped"/> of <paramref name="read"/> rows were skipped, if any (both paths word it alike).</summary>
    public static void ReportSkipped(IChannel channel, string columnName, long skipped, long read)
    {
        if (skipped > 0)
            channel.Warning($"Skipped {skipped} of {read} training rows of column '{columnName}' holding NaN or infinity; training on the other {read - skipped}.");
    }
}
