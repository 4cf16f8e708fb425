using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Native;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Scoring;

/// <summary>Embedding, reconstruction and per-row reconstruction error of a batch, in one forward pass.</summary>
internal sealed class AutoencoderScorer : IBatchScorer
{
    private readonly AutoencoderNetwork network;
    private readonly DisposalGuard guard;
    private readonly int embedding;
    private readonly int reconstruction;
    private readonly int error;

    public AutoencoderScorer(AutoencoderNetwork network, DisposalGuard guard, string embeddingColumn, string? reconstructionColumn, string? errorColumn)
    {
        this.network = network;
        this.guard = guard;
        var outputs = new List<ScoredColumn> { new(embeddingColumn, network.Description.LatentDimension) };
        embedding = 0;
        reconstruction = error = -1;
        if (reconstructionColumn is not null)
        {
            reconstruction = outputs.Count;
            outputs.Add(new ScoredColumn(reconstructionColumn, network.Description.InputSize));
        }
        if (errorColumn is not null)
        {
            error = outputs.Count;
            outputs.Add(new ScoredColumn(errorColumn, 0));
        }
        Outputs = outputs;
    }

    public int InputSize => network.Description.InputSize;

    public IReadOnlyList<ScoredColumn> Outputs { get; }

    public void Score(ReadOnlySpan<float> input, int rows, long firstPosition, IReadOnlyList<bool> active, float[][] outputs)
    {
        using var lease = guard.Enter();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = empty(rows, InputSize);
        TensorData.Write(x, input);
        var code = network.Code(network.EncoderOutput(x));
        if (active[embedding])
            TensorData.Read(code, outputs[embedding]);
        var wantsReconstruction = reconstruction >= 0 && active[reconstruction];
        var wantsError = error >= 0 && active[error];
        if (!wantsReconstruction && !wantsError)
            return;
        var reconstructed = network.Decode(code);
        if (wantsReconstruction)
            TensorData.Read(reconstructed, outputs[reconstruction]);
        if (wantsError)
            TensorData.Read(reconstructed.Minus(x).Squared().mean(new long[] { 1 }), outputs[error]);
    }
}
