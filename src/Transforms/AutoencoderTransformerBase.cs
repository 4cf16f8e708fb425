using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Persistence;
using MLNetAutoencoders.Scoring;
using MLNetAutoencoders.Validation;

namespace MLNetAutoencoders;

/// <summary>
/// What the fitted transformers of this library share: a fitted network (owned, or shared with the detector's model
/// parameters), the batch size of cursor scoring, ML.NET's transformer surface over one <c>IBatchScorer</c> — a lazy
/// batched view for <see cref="Transform"/>, a single-row mapper for the PredictionEngine — and saving into ML.NET
/// model zips. Each transformer adds only its own columns, entry header and properties. Not meant to be derived
/// from outside this library (as ML.NET's <c>RowToRowTransformerBase</c>).
/// </summary>
public abstract class AutoencoderTransformerBase : ITransformer, IDisposable
{
    private protected AutoencoderTransformerBase(FittedNetwork network, int scoringBatchSize)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (scoringBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(scoringBatchSize), scoringBatchSize, "The scoring batch size must be positive.");
        Fitted = network;
        ScoringBatchSize = scoringBatchSize;
    }

    /// <summary>Rows per network call when scoring through a cursor.</summary>
    public int ScoringBatchSize { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    private protected FittedNetwork Fitted { get; }

    /// <summary>The scorer of <see cref="Transform"/> and the single-row path.</summary>
    private protected abstract IBatchScorer Scorer { get; }

    /// <summary>The column the scorer reads (recorded but not read by a scorer of input size 0).</summary>
    private protected abstract string InputColumnName { get; }

    /// <summary>The entry's version stamp.</summary>
    private protected abstract VersionInfo Version { get; }

    /// <summary>
    /// Checks that <paramref name="inputSchema"/> holds what the scorer reads; by default the network's input: a vector
    /// of Single of its input size, and for a convolutional network an image of its shape.
    /// </summary>
    private protected virtual void CheckInput(DataViewSchema inputSchema) =>
        SchemaChecks.RequireNetworkInput(inputSchema, InputColumnName, Fitted.Description);

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckInput(inputSchema);
        return BatchedScoringDataView.BuildSchema(inputSchema, Scorer.Outputs);
    }

    /// <summary>The single-row path (PredictionEngine): each row is scored alone, when one of its outputs is first read.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        Fitted.ThrowIfDisposed();
        CheckInput(inputSchema);
        TorchRuntime.EnsureLoaded();
        return new ScoringRowMapper(inputSchema, InputColumnName, Scorer);
    }

    /// <summary>Lazily adds the output columns, running the network on batches of <see cref="ScoringBatchSize"/> rows.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Fitted.ThrowIfDisposed();
        CheckInput(input.Schema);
        TorchRuntime.EnsureLoaded();
        return new BatchedScoringDataView(input, InputColumnName, Scorer, ScoringBatchSize);
    }

    /// <summary>Frees the network's native memory once running batches end. The transformer cannot be used afterwards.</summary>
    public void Dispose() => Fitted.Dispose();

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        using var lease = Fitted.Enter();
        ctx.CheckAtModel();
        ctx.SetVersionInfo(Version);
        SaveModel(ctx);
    }

    /// <summary>
    /// Writes the entry after its version stamp. By default, for a transformer that holds its own network:
    /// its header (<see cref="SaveHeader"/>), int: scoring batch size, network description,
    /// [float[]: training loss, float[]: validation loss, when <see cref="SavesHistory"/>], weights (NetworkWeights).
    /// </summary>
    private protected virtual void SaveModel(ModelSaveContext ctx)
    {
        SaveHeader(ctx);
        ctx.Writer.Write(ScoringBatchSize);
        Fitted.WriteDescription(ctx.Writer);
        Fitted.WriteWeights(ctx.Writer, SavesHistory);
    }

    /// <summary>The transformer's own part of the entry, before the network (its columns or settings).</summary>
    private protected virtual void SaveHeader(ModelSaveContext ctx)
    {
    }

    /// <summary>Whether the entry holds the loss histories (a format fact of each entry kind since v0.1.0).</summary>
    private protected virtual bool SavesHistory => true;

    /// <summary>
    /// Reads what <see cref="SaveModel"/> wrote after the header and builds the transformer with <paramref name="create"/>: every count
    /// and size is checked before allocating (<paramref name="checkDescription"/> may reject the description too), and a
    /// failure frees the network and surfaces as a <see cref="FormatException"/> naming <paramref name="what"/>.
    /// </summary>
    private protected static T LoadNetwork<T>(ModelLoadContext ctx, bool withHistory, string ownerName, string what,
        Func<FittedNetwork, int, T> create, Action<NetworkDescription>? checkDescription = null)
    {
        var scoringBatchSize = ModelFormat.ReadScoringBatchSize(ctx.Reader);
        var description = NetworkDescription.Read(ctx.Reader, ModelFormat.DescriptionCarriesVersion(ctx));
        checkDescription?.Invoke(description);
        return FittedNetwork.ReadWeights(ctx.Reader, description, withHistory, ownerName)
            .IntoLoaded(network => create(network, scoringBatchSize), what);
    }
}
