using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNetAutoencoders;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Persistence;
using MLNetAutoencoders.Scoring;

[assembly: LoadableClass(typeof(AutoencoderEmbeddingTransformer), null, typeof(SignatureLoadModel),
    "Autoencoder Embedding Transformer", AutoencoderEmbeddingTransformer.LoaderSignature)]

namespace MLNetAutoencoders;

/// <summary>
/// A fitted autoencoder. <see cref="Transform"/> lazily adds the embedding column and, unless switched off,
/// the reconstruction and the per-row reconstruction error (mean squared error), running the network on
/// batches of rows. Saved inside ML.NET model zips and loaded with <c>mlContext.Model.Load</c>.
/// </summary>
public sealed class AutoencoderEmbeddingTransformer : ITransformer, IDisposable
{
    internal const string LoaderSignature = "AutoencoderEmbedding";

    private readonly AutoencoderNetwork network;
    private readonly AutoencoderScorer scorer;
    private readonly DisposalGuard guard;

    internal AutoencoderEmbeddingTransformer(AutoencoderNetwork network, AutoencoderColumns columns, int scoringBatchSize,
        IReadOnlyList<float> trainingLoss, IReadOnlyList<float> validationLoss, long? skippedTrainingRows = null)
    {
        if (scoringBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(scoringBatchSize), scoringBatchSize, "The scoring batch size must be positive.");
        this.network = network;
        network.eval();
        Columns = columns;
        ScoringBatchSize = scoringBatchSize;
        TrainingLoss = trainingLoss.ToArray();
        ValidationLoss = validationLoss.ToArray();
        SkippedTrainingRows = skippedTrainingRows;
        guard = new DisposalGuard(nameof(AutoencoderEmbeddingTransformer), network.Dispose);
        scorer = new AutoencoderScorer(network, guard, columns.Embedding, columns.Reconstruction, columns.ReconstructionError);
    }

    /// <summary>The column names this transformer reads and writes.</summary>
    public AutoencoderColumns Columns { get; }

    /// <summary>The variant this autoencoder was trained as.</summary>
    public AutoencoderKind Kind => network.Description.Kind;

    /// <summary>Size of the input vector.</summary>
    public int InputSize => network.Description.InputSize;

    /// <summary>Size of the embedding.</summary>
    public int LatentDimension => network.Description.LatentDimension;

    /// <summary>The fitted network's architecture.</summary>
    public NetworkDescription Network => network.Description;

    /// <summary>Rows per network call when scoring through a cursor.</summary>
    public int ScoringBatchSize { get; }

    /// <summary>Mean training loss of each epoch (the full objective, penalties included).</summary>
    public IReadOnlyList<float> TrainingLoss { get; }

    /// <summary>Mean validation loss of each epoch; empty when no validation fraction was set.</summary>
    public IReadOnlyList<float> ValidationLoss { get; }

    /// <summary>
    /// Training rows that the <c>Fit</c> which produced this transformer left out because they held NaN or infinity
    /// (<c>AutoencoderOptions.SkipRowsWithNonFiniteValues</c>); 0 when none were. Null for a transformer loaded from a model
    /// file: the count is not saved.
    /// </summary>
    public long? SkippedTrainingRows { get; }

    /// <summary>The underlying TorchSharp network, for advanced use (sampling, inspection). Owned by this transformer.</summary>
    internal AutoencoderNetwork Model
    {
        get
        {
            guard.ThrowIfDisposed();
            return network;
        }
    }

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        InputColumn.Check(inputSchema, Columns.Input, InputSize);
        return BatchedScoringDataView.BuildSchema(inputSchema, scorer.Outputs);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        guard.ThrowIfDisposed();
        TorchRuntime.EnsureLoaded();
        return new ScoringRowMapper(inputSchema, Columns.Input, scorer);
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        guard.ThrowIfDisposed();
        TorchRuntime.EnsureLoaded();
        return new BatchedScoringDataView(input, Columns.Input, scorer, ScoringBatchSize);
    }

    /// <summary>Frees the network's native memory. The transformer cannot be used afterwards.</summary>
    public void Dispose() => guard.Dispose();

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "AEEMBEDT",
        verWrittenCur: 0x00010001,
        verReadableCur: 0x00010001,
        verWeCanReadBack: 0x00010001,
        loaderSignature: LoaderSignature,
        loaderAssemblyName: typeof(AutoencoderEmbeddingTransformer).Assembly.GetName().Name);

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        using var lease = guard.Enter();
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());
        // *** Binary format ***
        // columns (AutoencoderColumns.Write), int: scoring batch size, network description,
        // float[]: training loss, float[]: validation loss, weights (NetworkWeights)
        Columns.Write(ctx);
        ctx.Writer.Write(ScoringBatchSize);
        network.Description.Write(ctx.Writer);
        ModelFormat.WriteFloats(ctx.Writer, TrainingLoss);
        ModelFormat.WriteFloats(ctx.Writer, ValidationLoss);
        NetworkWeights.Write(ctx.Writer, network);
    }

    // Factory method for SignatureLoadModel.
    private static AutoencoderEmbeddingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        ctx.CheckAtModel(GetVersionInfo());
        var columns = AutoencoderColumns.Read(ctx);
        var batchSize = ModelFormat.ReadInt(ctx.Reader, "the scoring batch size", 1, 1 << 20);
        var description = NetworkDescription.Read(ctx.Reader);
        var trainingLoss = ModelFormat.ReadFloats(ctx.Reader, "the training loss history");
        var validationLoss = ModelFormat.ReadFloats(ctx.Reader, "the validation loss history");
        var network = NetworkWeights.ReadNetwork(ctx.Reader, description);
        return new AutoencoderEmbeddingTransformer(network, columns, batchSize, trainingLoss, validationLoss);
    }
}
