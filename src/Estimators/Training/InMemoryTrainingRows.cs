using static TorchSharp.torch;

namespace MLNetAutoencoders.Training;

/// <summary>
/// Mini-batches gathered from the rows in memory. The training rows are never copied: the order starts as the training
/// rows (in view order) permuted once by <c>System.Random(seed)</c>, and every epoch gathers its batches through a
/// <c>randperm</c> of that order drawn from the training generator. Only the validation rows are copied, in view order.
/// </summary>
internal sealed class InMemoryTrainingRows : ITrainingRows, IDisposable
{
    private readonly TrainingData data;
    private readonly Tensor trainIndex;
    private readonly Tensor? validation;

    public InMemoryTrainingRows(TrainingData data, int seed)
    {
        this.data = data;
        var flags = data.IsValidation;
        var training = Enumerable.Range(0, data.Rows).Where(i => flags is null || !flags[i]).ToArray();
        var order = InitialOrder(seed, training.Length);
        trainIndex = tensor(order.Select(i => (long)training[i]).ToArray());
        TrainingRows = training.Length;
        if (flags is not null && training.Length < data.Rows)
        {
            using var validationIndex = tensor(Enumerable.Range(0, data.Rows).Where(i => flags[i]).Select(i => (long)i).ToArray());
            validation = data.Tensor.index_select(0, validationIndex);
        }
    }

    /// <summary>The fixed permutation both paths apply to their training rows before an epoch's <c>randperm</c>.</summary>
    public static int[] InitialOrder(int seed, int rows)
    {
        var order = Enumerable.Range(0, rows).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }

    public int Features => data.Features;

    public long TrainingRows { get; }

    public long ValidationRows => validation?.shape[0] ?? 0;

    public long RowsRead => data.RowsRead;

    public (Tensor Min, Tensor Max) FeatureRange()
    {
        var all = data.Tensor;
        if (validation is null)
            return (all.amin(new long[] { 0 }, keepdim: true), all.amax(new long[] { 0 }, keepdim: true));
        // Gathered in chunks, so that no copy of the training rows is made.
        const int chunk = 8192;
        Tensor? min = null, max = null;
        var rows = trainIndex.shape[0];
        for (long start = 0; start < rows; start += chunk)
        {
            using var scope = NewDisposeScope();
            var part = all.index_select(0, trainIndex.narrow(0, start, Math.Min(chunk, rows - start)));
            var partMin = part.amin(new long[] { 0 }, keepdim: true);
            var partMax = part.amax(new long[] { 0 }, keepdim: true);
            var newMin = min is null ? partMin : minimum(min, partMin);
            var newMax = max is null ? partMax : maximum(max, partMax);
            min?.Dispose();
            max?.Dispose();
            min = newMin.DetachFromDisposeScope();
            max = newMax.DetachFromDisposeScope();
        }
        return (min!, max!);
    }

    public void TrainEpoch(int epoch, int batchSize, Generator generator, Action<Tensor> step)
    {
        var rows = TrainingRows;
        using var permutation = randperm(rows, generator: generator);
        using var epochOrder = trainIndex.index_select(0, permutation);
        for (long start = 0; start < rows; start += batchSize)
        {
            using var scope = NewDisposeScope();
            step(data.Tensor.index_select(0, epochOrder.narrow(0, start, Math.Min(batchSize, rows - start))));
        }
    }

    public void ForEachValidationBatch(int batchSize, Action<Tensor> evaluate)
    {
        if (validation is null)
            return;
        var rows = validation.shape[0];
        for (long start = 0; start < rows; start += batchSize)
        {
            using var scope = NewDisposeScope();
            evaluate(validation.narrow(0, start, Math.Min(batchSize, rows - start)));
        }
    }

    public void Dispose()
    {
        trainIndex.Dispose();
        validation?.Dispose();
    }
}
