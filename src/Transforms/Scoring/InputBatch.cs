using MLNetAutoencoders.Native;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Scoring;

/// <summary>
/// Where a cursor puts the input rows of a batch before scoring: up to a capacity of rows of the scorer's input width,
/// row-major, in <see cref="Values"/>. Created once per cursor (<see cref="IBatchScorer.CreateInputBatch"/>), refilled
/// for every batch, disposed with the cursor.
/// </summary>
internal abstract class InputBatch : IDisposable
{
    /// <summary>All capacity × width values; a batch of n rows fills the first n × width.</summary>
    public abstract Span<float> Values { get; }

    /// <summary>The first <paramref name="rows"/> rows as a [rows, width] tensor in the caller's dispose scope.</summary>
    public abstract Tensor Rows(int rows);

    public abstract void Dispose();
}

/// <summary>A batch in a managed array: the network gets a fresh tensor with a copy of the rows (the single-row path).</summary>
internal sealed class ArrayInputBatch(int capacity, int width) : InputBatch
{
    private readonly float[] values = new float[capacity * width];

    public override Span<float> Values => values;

    public override Tensor Rows(int rows)
    {
        var x = empty(rows, width);
        TensorData.Write(x, values.AsSpan(0, rows * width));
        return x;
    }

    public override void Dispose()
    {
    }
}

/// <summary>
/// A batch the network reads in place: one [capacity, width] tensor allocated by libtorch when the cursor starts (64-byte
/// aligned like every libtorch allocation, so results are bit-identical to a fresh tensor's: MKL's kernels may round
/// differently on other alignments, which rules out a tensor over a managed array). The cursor writes rows into its
/// storage; <see cref="Rows"/> is a view of the first rows. Saves a fresh allocation and a copy of every batch. The
/// tensor belongs to no dispose scope: the cursor disposes it.
/// </summary>
internal sealed class TensorInputBatch : InputBatch
{
    private readonly Tensor tensor;

    public TensorInputBatch(int capacity, int width)
    {
        using var scope = NewDisposeScope();
        tensor = empty(capacity, width).DetachFromDisposeScope();
    }

    public override Span<float> Values => TensorData.Floats(tensor);

    public override Tensor Rows(int rows) => tensor.narrow(0, 0, rows);

    public override void Dispose() => tensor.Dispose();
}
