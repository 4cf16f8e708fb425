using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNetAutoencoders.Native;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Training;

/// <summary>
/// Training rows read through cursors every epoch, never all in memory: each epoch opens one cursor (a shuffling cursor
/// seeded from the seed and the epoch when the view can shuffle and the pool cannot hold every row), the training rows
/// pass through a <see cref="ShufflePool"/> into mini-batches, and the validation rows (<see cref="ValidationSplit"/>)
/// are kept from the first pass when they fit the budget, otherwise read again by a second cursor for each evaluation.
/// The first pass checks the rows (size, non-finite values) as in-memory loading does and counts them.
/// </summary>
/// <remarks>
/// <para>
/// The rows are read ahead on one background thread (<see cref="RowReadAhead"/>): while the training thread steps on a
/// mini-batch, the reader fills the next ones (cursor, checks, <see cref="Prepare"/>, the validation split and the pool's
/// evictions), in managed arrays only; the training thread makes the tensors. The reading is sequential, so the batches
/// and their order are those of a single thread. At the end of a pass the training thread, once the reader has ended,
/// does the first pass's bookkeeping and empties the pool, so the pool is never used by two threads at once. Evaluation
/// batches read from the view (<see cref="ForEachRowBlock"/>, validation rows not kept) are read ahead the same way.
/// </para>
/// <para>
/// When the pool holds every training row, an epoch's batches are the in-memory path's: the pool then holds the
/// training rows in view order, and it empties through the same permutation (<see cref="InMemoryTrainingRows.InitialOrder"/>
/// composed with a <c>randperm</c> from the training generator, which nothing else draws from before).
/// </para>
/// </remarks>
internal sealed class StreamingTrainingData : ITrainingRows, IDisposable
{
    private readonly IDataView data;
    private readonly string columnName;
    private readonly bool skipNonFinite;
    private readonly ValidationSplit? split;
    private readonly int seed;
    private readonly Action checkAlive;
    private readonly IChannel channel;
    private readonly ShufflePool pool;
    private readonly bool shuffleCursor;
    private readonly long validationBudgetRows;
    private readonly float[] scratch;
    private List<float[]>? keptValidation = new();
    private Tensor? validation;
    private Action<Span<float>>? prepare;
    private bool counted;
    private bool checkedRows;

    public StreamingTrainingData(IDataView data, string columnName, int features, bool skipNonFinite, ValidationSplit? split, int seed,
        long budgetBytes, int shufflePoolRows, Action checkAlive, IChannel channel)
    {
        this.data = data;
        this.columnName = columnName;
        Features = features;
        this.skipNonFinite = skipNonFinite;
        this.split = split;
        this.seed = seed;
        this.checkAlive = checkAlive;
        this.channel = channel;
        var rowBytes = 4L * features;
        var capacity = (int)Math.Max(1, Math.Min(Math.Min(shufflePoolRows, budgetBytes / rowBytes), Array.MaxLength / features));
        pool = new ShufflePool(capacity, features);
        // A pool holding every row is a full shuffle already; a shuffling cursor then only costs (and breaks the equality with in memory).
        shuffleCursor = data.CanShuffle && !(data.GetRowCount() <= capacity);
        validationBudgetRows = Math.Max(0, budgetBytes / rowBytes - capacity);
        scratch = new float[features];
    }

    public int Features { get; }

    public long TrainingRows { get; private set; }

    public long ValidationRows { get; private set; }

    public long RowsRead { get; private set; }

    /// <summary>Rows left out because they held NaN or infinity (counted by the first pass).</summary>
    public long SkippedRows { get; private set; }

    /// <summary>Cursors opened on the view so far.</summary>
    public int CursorsOpened { get; private set; }

    /// <summary>The shuffle pool's size in rows.</summary>
    public int PoolCapacity => pool.Capacity;

    /// <summary>The most rows the shuffle pool held.</summary>
    public int PeakPoolRows => pool.PeakCount;

    /// <summary>Whether the validation rows are kept in memory (false: read again for each evaluation).</summary>
    public bool ValidationKept => validation is not null;

    private TrainingRowReader Open(Random? shuffle)
    {
        CursorsOpened++;
        return new TrainingRowReader(data, columnName, Features, skipNonFinite, split, checkAlive, shuffle);
    }

    public (Tensor Min, Tensor Max) FeatureRange()
    {
        var min = Enumerable.Repeat(float.PositiveInfinity, Features).ToArray();
        var max = Enumerable.Repeat(float.NegativeInfinity, Features).ToArray();
        using (var reader = Open(null))
        {
            while (reader.Next(scratch))
            {
                if (reader.IsValidation)
                    continue;
                prepare?.Invoke(scratch);
                for (var j = 0; j < Features; j++)
                {
                    min[j] = Math.Min(min[j], scratch[j]);
                    max[j] = Math.Max(max[j], scratch[j]);
                }
            }
            RowsRead += reader.Read;
        }
        return (FromRows(min, 1), FromRows(max, 1));
    }

    private Tensor FromRows(ReadOnlySpan<float> values, long rows)
    {
        var result = empty(rows, Features);
        TensorData.Write(result, values);
        return result;
    }

    public void TrainEpoch(int epoch, int batchSize, Generator generator, Action<Tensor> step)
    {
        var shuffle = shuffleCursor ? new Random(EpochSeed(epoch, 0)) : null;
        var evictions = new Random(EpochSeed(epoch, 1));
        pool.Clear();
        var pass = default(Pass);
        float[] batch;
        int filled;
        // The reading (cursor, checks, pool) runs one thread ahead of the steps; the batches are the same, in the same order.
        using (var readAhead = RowReadAhead.Start(batchSize, Features, ahead => pass = ReadTrainingPass(shuffle, evictions, ahead)))
        {
            foreach (var full in readAhead.FullBatches())
                Hand(step, full, batchSize);
            (batch, filled) = readAhead.Rest;
        }
        RowsRead += pass.Read;
        if (!counted)
        {
            if (keptValidation is null && pass.ValidationRows > 0)
                channel.Info($"Streaming: the validation rows exceed the memory budget; they are read again for each evaluation.");
            CheckedRows(pass.Read, pass.Skipped, pass.TrainingRows + pass.ValidationRows);
            TrainingRows = pass.TrainingRows;
            ValidationRows = pass.ValidationRows;
            if (keptValidation is { Count: > 0 })
            {
                validation = empty(keptValidation.Count, Features);
                for (var i = 0; i < keptValidation.Count; i++)
                {
                    using var row = validation.narrow(0, i, 1);
                    TensorData.Write(row, keptValidation[i]);
                }
            }
            keptValidation = null;
            counted = true;
        }

        // The pool's rest leaves through the training generator, on this thread, after the evicted batches' steps.
        if (pool.Count > 0)
        {
            var order = InMemoryTrainingRows.InitialOrder(seed, pool.Count);
            long[] permutation;
            using (var drawn = randperm(pool.Count, generator: generator))
                permutation = drawn.data<long>().ToArray();
            foreach (var k in permutation)
            {
                pool.Row(order[k]).CopyTo(batch.AsSpan(filled * Features, Features));
                if (++filled == batchSize)
                {
                    Hand(step, batch, filled);
                    filled = 0;
                }
            }
        }
        Hand(step, batch, filled);
    }

    /// <summary>What one training pass read: rows read (kept and skipped), skipped, training and validation rows.</summary>
    private readonly record struct Pass(long Read, long Skipped, long TrainingRows, long ValidationRows);

    /// <summary>
    /// The read-ahead thread's part of an epoch: every row through the checks and <see cref="prepare"/>; validation rows
    /// counted (and kept, on the first pass); training rows into the pool, whose evictions fill the batches.
    /// Touches no tensor, and nothing the training thread reads before the pass ends.
    /// </summary>
    private Pass ReadTrainingPass(Random? shuffle, Random evictions, RowReadAhead ahead)
    {
        long trainingRows = 0, validationRows = 0;
        using var reader = Open(shuffle);
        while (reader.Next(scratch))
        {
            ahead.ThrowIfStopped();
            prepare?.Invoke(scratch);
            if (reader.IsValidation)
            {
                validationRows++;
                if (!counted)
                    Keep(scratch);
                continue;
            }
            trainingRows++;
            if (pool.Add(scratch, evictions, ahead.Slot))
                ahead.Commit();
        }
        return new Pass(reader.Read, reader.Skipped, trainingRows, validationRows);
    }

    /// <summary>The first complete pass's checks and counts: no rows, or none kept, is an error; skipped rows are logged once.</summary>
    private void CheckedRows(long read, long skipped, long kept)
    {
        if (checkedRows)
            return;
        TrainingRowReader.RequireRows(columnName, read, kept, skipped);
        SkippedRows = skipped;
        TrainingData.ReportSkipped(channel, columnName, skipped, read);
        checkedRows = true;
    }

    /// <summary>
    /// Applies <paramref name="transform"/> to every row as it is read from now on, before it trains, validates or is
    /// scored (the detector's standardization; the in-memory path applies it to the rows in place).
    /// </summary>
    public void Prepare(Action<Span<float>> transform) => prepare = transform;

    /// <summary>
    /// One pass in view order over every kept row (training and validation), before training: checks and counts them as
    /// the first epoch would, and hands each (unprepared) row to <paramref name="each"/>. Returns the kept rows.
    /// </summary>
    public long ScanRows(Action<ReadOnlySpan<float>>? each)
    {
        long kept = 0;
        using var reader = Open(null);
        while (reader.Next(scratch))
        {
            each?.Invoke(scratch);
            kept++;
        }
        RowsRead += reader.Read;
        CheckedRows(reader.Read, reader.Skipped, kept);
        return kept;
    }

    /// <summary>
    /// One pass in view order over every kept row (training and validation), prepared, handed to
    /// <paramref name="action"/> as [rows, features] tensors of <paramref name="blockRows"/> rows (the last may be
    /// shorter), each in its own dispose scope.
    /// </summary>
    public void ForEachRowBlock(int blockRows, Action<Tensor> action) => ForEachBlock(blockRows, validationOnly: false, action);

    /// <summary>
    /// One pass in view order over the kept rows (only the validation rows with <paramref name="validationOnly"/>),
    /// prepared, handed to <paramref name="action"/> in blocks of <paramref name="blockRows"/> rows, each in its own dispose scope.
    /// </summary>
    private void ForEachBlock(int blockRows, bool validationOnly, Action<Tensor> action)
    {
        long read = 0;
        using (var readAhead = RowReadAhead.Start(blockRows, Features, ahead => read = ReadBlocks(validationOnly, ahead)))
        {
            foreach (var full in readAhead.FullBatches())
                Hand(action, full, blockRows);
            var (rest, count) = readAhead.Rest;
            Hand(action, rest, count);
        }
        RowsRead += read;
    }

    /// <summary>The read-ahead thread's part of <see cref="ForEachBlock"/>: the kept rows, each read straight into its block. Returns the rows read.</summary>
    private long ReadBlocks(bool validationOnly, RowReadAhead ahead)
    {
        using var reader = Open(null);
        while (reader.Next(ahead.Slot))
        {
            ahead.ThrowIfStopped();
            if (validationOnly && !reader.IsValidation)
                continue;
            prepare?.Invoke(ahead.Slot);
            ahead.Commit();
        }
        return reader.Read;
    }

    /// <summary>Hands the first <paramref name="count"/> rows of <paramref name="rows"/> to <paramref name="action"/> as a tensor in its own dispose scope (none for no rows).</summary>
    private void Hand(Action<Tensor> action, ReadOnlySpan<float> rows, int count)
    {
        if (count == 0)
            return;
        using var scope = NewDisposeScope();
        action(FromRows(rows[..(count * Features)], count));
    }

    /// <summary>
    /// Keeps a validation row of the first pass while the kept rows fit the budget; beyond, none are kept (logged by the
    /// training thread after the pass: this runs on the read-ahead thread).
    /// </summary>
    private void Keep(float[] row)
    {
        if (keptValidation is null)
            return;
        if (keptValidation.Count >= validationBudgetRows)
        {
            keptValidation = null;
            return;
        }
        keptValidation.Add((float[])row.Clone());
    }

    public void ForEachValidationBatch(int batchSize, Action<Tensor> evaluate)
    {
        if (validation is not null)
        {
            var rows = validation.shape[0];
            for (long start = 0; start < rows; start += batchSize)
            {
                using var scope = NewDisposeScope();
                evaluate(validation.narrow(0, start, Math.Min(batchSize, rows - start)));
            }
            return;
        }
        if (ValidationRows > 0)
            ForEachBlock(batchSize, validationOnly: true, evaluate);
    }

    /// <summary>A seed per epoch and use (0: the shuffling cursor, 1: the pool's evictions), fixed by the training seed (HashCode differs between processes).</summary>
    internal int EpochSeed(int epoch, int use) => unchecked(seed * 1_000_003 + epoch * 2 + use);

    public void Dispose() => validation?.Dispose();
}
