using MLNetAutoencoders.Native;
using Microsoft.ML.Model.OnnxConverter;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Onnx;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Scoring;

/// <summary>Embedding, reconstruction and per-row reconstruction error of a batch, in one forward pass.</summary>
internal sealed class EmbeddingScorer : NetworkScorer, IOnnxScorer
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

    public bool CanSaveOnnx(OnnxContext ctx)
    {
        ctx.CheckOpSetVersion(OnnxNetworkWriter.MinimumOpSet, nameof(AutoencoderEmbeddingTransformer));
        return true;
    }

    public void SaveAsOnnx(OnnxContext ctx, string input, IReadOnlyList<string> outputs)
    {
        using var lease = Network.Enter();
        var writer = new OnnxNetworkWriter(ctx, Network.Module, Outputs[embedding].Name);
        var code = writer.Code(writer.EncoderOutput(input));
        writer.Assign(code, outputs[embedding]);
        if (reconstruction < 0 && error < 0)
            return;
        var reconstructed = writer.Decode(code);
        if (reconstruction >= 0)
            writer.Assign(reconstructed, outputs[reconstruction]);
        if (error >= 0)
            writer.Assign(writer.RowMeanSquaredError(reconstructed, input), outputs[error]);
    }
}
