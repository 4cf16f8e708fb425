using MLNetAutoencoders.Native;
using MLNetAutoencoders.Networks;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Scoring;

/// <summary>
/// The template every scorer of a fitted network follows: hold a lease on the network for the whole batch (disposal
/// waits for it), put every tensor in one dispose scope, run without gradients, and hand the batch over as a
/// [rows, <see cref="InputSize"/>] tensor (none for a scorer that reads no column). Subclasses compute their columns.
/// </summary>
internal abstract class NetworkScorer(FittedNetwork network) : IBatchScorer
{
    /// <summary>The fitted network; use <see cref="FittedNetwork.Module"/> only inside <see cref="ScoreBatch"/>.</summary>
    protected FittedNetwork Network { get; } = network;

    public abstract int InputSize { get; }

    public abstract IReadOnlyList<ScoredColumn> Outputs { get; }

    /// <summary>A tensor the network reads in place (<see cref="TensorInputBatch"/>); none for a scorer that reads no column.</summary>
    public InputBatch CreateInputBatch(int capacity) =>
        InputSize > 0 && capacity > 0 ? new TensorInputBatch(capacity, InputSize) : new ArrayInputBatch(0, 0);

    public void Score(InputBatch input, int rows, long firstPosition, IReadOnlyList<bool> active, float[][] outputs)
    {
        if (!AnyActive(active))
            return;
        using var lease = Network.Enter();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = InputSize > 0 ? input.Rows(rows) : null;
        ScoreBatch(x, rows, firstPosition, active, outputs);
    }

    private static bool AnyActive(IReadOnlyList<bool> active)
    {
        for (var i = 0; i < active.Count; i++)
            if (active[i])
                return true;
        return false;
    }

    /// <summary>
    /// Fills <c>outputs[i]</c> for every active i from the batch <paramref name="x"/> (null when <see cref="InputSize"/> is 0).
    /// Runs under the lease, the dispose scope and no_grad.
    /// </summary>
    protected abstract void ScoreBatch(Tensor? x, int rows, long firstPosition, IReadOnlyList<bool> active, float[][] outputs);
}
