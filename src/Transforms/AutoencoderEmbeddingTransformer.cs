using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNetAutoencoders;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Persistence;
using MLNetAutoencoders.Scoring;

[assembly: LoadableClass(typeof(AutoencoderEmbeddingTransformer), null, typeof(SignatureLoadModel),
    "Autoencoder Embedding Transformer", AutoencoderEmbeddingTransformer.LoaderSignature)]

namespace MLNetAutoencoders;

/// <summary>
/// A fitted autoencoder. <see cref="AutoencoderTransformerBase.Transform"/> lazily adds the embedding column and, unless
/// switched off, the reconstruction and the per-row reconstruction error (mean squared error), running the network on
/// batches of rows. Saved inside ML.NET model zips and loaded with <c>mlContext.Model.Load</c>.
/// </summary>
public sealed class AutoencoderEmbeddingTransformer : AutoencoderTransformerBase
{
    internal const string LoaderSignature = "AutoencoderEmbedding";

    private readonly EmbeddingScorer scorer;

    /// <summary>Takes ownership of <paramref name="network"/>.</summary>
    internal AutoencoderEmbeddingTransformer(FittedNetwork network, AutoencoderColumns columns, int scoringBatchSize)
        : base(network, scoringBatchSize)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Columns = columns;
        scorer = new EmbeddingScorer(network, columns);
    }

    /// <summary>The column names this transformer reads and writes.</summary>
    public AutoencoderColumns Columns { get; }

    /// <summary>The variant this autoencoder was trained as.</summary>
    public AutoencoderKind Kind => Fitted.Description.Kind;

    /// <summary>Size of the input vector.</summary>
    public int InputSize => Fitted.Description.InputSize;

    /// <summary>Size of the embedding.</summary>
    public int LatentDimension => Fitted.Description.LatentDimension;

    /// <summary>The fitted network's architecture.</summary>
    public NetworkDescription Architecture => Fitted.Description;

    /// <summary>The fitted network's architecture: the former name of <see cref="Architecture"/>.</summary>
    [Obsolete("Use Architecture.")]
    public NetworkDescription Network => Architecture;

    /// <summary>Mean training loss of each epoch (the full objective, penalties included).</summary>
    public IReadOnlyList<float> TrainingLoss => Fitted.History.TrainingLoss;

    /// <summary>Mean validation loss of each epoch; empty when no validation fraction was set.</summary>
    public IReadOnlyList<float> ValidationLoss => Fitted.History.ValidationLoss;

    /// <summary>
    /// Training rows that the <c>Fit</c> which produced this transformer left out because they held NaN or infinity
    /// (<c>AutoencoderOptions.SkipRowsWithNonFiniteValues</c>); 0 when none were. Null for a transformer loaded from a model
    /// file: the count is not saved.
    /// </summary>
    public long? SkippedTrainingRows => Fitted.History.SkippedTrainingRows;

    /// <summary>The underlying TorchSharp module, for advanced use (sampling, inspection). Owned by this transformer.</summary>
    internal AutoencoderNetwork Module => Fitted.Module;

    /// <summary>The fitted network with its guard and history, for code that copies it (the VaeSampler).</summary>
    internal FittedNetwork FittedNetwork => Fitted;

    private protected override IBatchScorer Scorer => scorer;

    private protected override string InputColumnName => Columns.Input;

    private protected override VersionInfo Version => GetVersionInfo();

    // 0x00010002 (after v0.1.0): the network description starts with its own version (NetworkDescription.Read).
    private static VersionInfo GetVersionInfo() => ModelFormat.VersionOf("AEEMBEDT", LoaderSignature, typeof(AutoencoderEmbeddingTransformer), ModelFormat.VersionedDescription);

    // *** Binary format *** columns (AutoencoderColumns.Write), then the network with its loss histories
    // (AutoencoderTransformerBase.SaveModel: scoring batch size, description, training and validation loss, weights).
    private protected override void SaveHeader(ModelSaveContext ctx) => Columns.Write(ctx);

    // Factory method for SignatureLoadModel.
    private static AutoencoderEmbeddingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        ctx.CheckAtModel(GetVersionInfo());
        var columns = AutoencoderColumns.Read(ctx);
        return LoadNetwork(ctx, withHistory: true, nameof(AutoencoderEmbeddingTransformer), "autoencoder embedding",
            (network, scoringBatchSize) => new AutoencoderEmbeddingTransformer(network, columns, scoringBatchSize));
    }
}
