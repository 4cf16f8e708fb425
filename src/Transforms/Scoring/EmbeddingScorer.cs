using MLNetAutoencoders.Native;
using MLNetAutoencoders.Networks;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Scoring;

/// <summary>Embedding, reconstruction and per-row reconstruction error of a batch, in one forward pass.</summary>
internal sealed class EmbeddingScorer : NetworkScorer
{
    private readonly int embedding;
    private readonly int reconstruction = -1;
    private readonly int error = -1;

    public EmbeddingScorer(FittedNetwork network, AutoencoderColumns columns) : base(network)
    {
        var outputs = new List<ScoredColumn> { new(columns.Embedding, network.Description.LatentDimension) };
        embedding = 0;
        if (columns.Reconstruction is not null)
        {
            reconstruction = outputs.Count;
            outputs.Add(new ScoredColumn(columns.Reconstruction, network.Description.InputSize));
        }
        if (columns.ReconstructionError is not null)
        {
            error = outputs.Count;
            outputs.Add(new ScoredColumn(columns.ReconstructionError, 0));
        }
        Outputs = outputs;
    }

    public override int InputSize => Network.Description.InputSize;

    public override IReadOnlyList<ScoredColumn> Outputs { get; }

    protected override void ScoreBatch(Tensor? x, int rows, long firstPosition, IReadOnlyList<bool> active, float[][] outputs)
    {
        var module = Network.Module;
        var code = module.Code(module.EncoderOutput(x!));
        if (active[embedding])
            TensorData.Read(code, outputs[embedding]);
        var wantsReconstruction = reconstruction >= 0 && active[reconstruction];
        var wantsError = error >= 0 && active[error];
        if (!wantsReconstruction && !wantsError)
            return;
        var reconstructed = module.Decode(code);
        if (wantsReconstruction)
            TensorData.Read(reconstructed, outputs[reconstruction]);
        if (wantsError)
            TensorData.Read(NetworkMath.RowMeanSquaredError(reconstructed, x!), outputs[error]);
    }
}
