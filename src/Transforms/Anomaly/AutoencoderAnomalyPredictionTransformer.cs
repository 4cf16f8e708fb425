using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.Persistence;
using MLNetAutoencoders.Scoring;

[assembly: LoadableClass(typeof(AutoencoderAnomalyPredictionTransformer), null, typeof(SignatureLoadModel),
    "Autoencoder Anomaly Prediction Transformer", AutoencoderAnomalyPredictionTransformer.LoaderSignature)]

namespace MLNetAutoencoders.Anomaly;

/// <summary>
/// A fitted autoencoder anomaly detector, with the surface of ML.NET's anomaly detectors. <see cref="Transform"/>
/// lazily adds <c>Score</c> (Single: the reconstruction error of the row, see
/// <see cref="AutoencoderAnomalyModelParameters"/>; higher = more anomalous) and <c>PredictedLabel</c>
/// (Boolean: <c>Score &gt; Threshold</c>), so <c>mlContext.AnomalyDetection.Evaluate</c> works on its output, and
/// <c>mlContext.AnomalyDetection.ChangeModelThreshold(model, threshold)</c> compiles and works unchanged
/// (through an extension method of this library). A NaN or infinity in a scoring row gives that row a NaN score and
/// <c>PredictedLabel</c> false (<c>NaN &gt; Threshold</c> is false, as for ML.NET's own detectors); other rows are
/// unaffected.
/// </summary>
/// <remarks>
/// This is not ML.NET's <see cref="AnomalyPredictionTransformer{TModel}"/> because that class scores through
/// ML.NET's per-row scorer: one network call per row, with no way for the model to see more than the current
/// row. This transformer runs the network on batches of <see cref="ScoringBatchSize"/> rows inside the cursor,
/// several times faster (see the README). <see cref="ToAnomalyPredictionTransformer"/> returns the genuine
/// ML.NET type over the same model parameters, for code that needs exactly that type.
/// </remarks>
public sealed class AutoencoderAnomalyPredictionTransformer : ISingleFeaturePredictionTransformer<AutoencoderAnomalyModelParameters>, ICanSaveModel, IDisposable
{
    internal const string LoaderSignature = "AutoencoderAnomalyPred";
    private const string ModelDirectory = "Model";

    private readonly IHost host;
    private readonly AnomalyScorer scorer;

    internal AutoencoderAnomalyPredictionTransformer(IHostEnvironment env, AutoencoderAnomalyModelParameters model, string featureColumnName,
        float threshold, float? contamination, int scoringBatchSize)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(featureColumnName);
        if (float.IsNaN(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be a number.");
        if (scoringBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(scoringBatchSize), scoringBatchSize, "The scoring batch size must be positive.");
        host = env.Register(nameof(AutoencoderAnomalyPredictionTransformer));
        Model = model;
        FeatureColumnName = featureColumnName;
        FeatureColumnType = new VectorDataViewType(NumberDataViewType.Single, model.InputSize);
        Threshold = threshold;
        Contamination = contamination;
        ScoringBatchSize = scoringBatchSize;
        scorer = new AnomalyScorer(model, DefaultColumnNames.Score, DefaultColumnNames.PredictedLabel, threshold);
    }

    /// <summary>The fitted network, standardization and scoring settings. Shared with transformers made by <see cref="WithThreshold"/>.</summary>
    public AutoencoderAnomalyModelParameters Model { get; }

    /// <summary>The feature column: a vector of Single of the model's input size.</summary>
    public string FeatureColumnName { get; }

    /// <summary>The type of the feature column.</summary>
    public DataViewType FeatureColumnType { get; }

    /// <summary>Rows with <c>Score &gt; Threshold</c> are predicted anomalous.</summary>
    public float Threshold { get; }

    /// <summary>
    /// The contamination rate c whose training-score (1 - c) quantile <see cref="Threshold"/> is; null when the
    /// threshold was given explicitly or changed.
    /// </summary>
    public float? Contamination { get; }

    /// <summary>Rows per network call when scoring through a cursor.</summary>
    public int ScoringBatchSize { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        InputColumn.Check(inputSchema, FeatureColumnName, Model.InputSize);
        return BatchedScoringDataView.BuildSchema(inputSchema, scorer.Outputs);
    }

    /// <summary>The single-row path (PredictionEngine): each row is scored alone.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        Model.ThrowIfDisposed();
        TorchRuntime.EnsureLoaded();
        return new ScoringRowMapper(inputSchema, FeatureColumnName, scorer);
    }

    /// <summary>Lazily adds <c>Score</c> and <c>PredictedLabel</c>, running the network on batches of <see cref="ScoringBatchSize"/> rows.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Model.ThrowIfDisposed();
        TorchRuntime.EnsureLoaded();
        return new BatchedScoringDataView(input, FeatureColumnName, scorer, ScoringBatchSize);
    }

    /// <summary>
    /// The same detector with another threshold; <c>mlContext.AnomalyDetection.ChangeModelThreshold</c> calls this.
    /// The two transformers share <see cref="Model"/>: disposing either frees it.
    /// </summary>
    public AutoencoderAnomalyPredictionTransformer WithThreshold(float threshold) =>
        threshold == Threshold ? this : new AutoencoderAnomalyPredictionTransformer(host, Model, FeatureColumnName, threshold, null, ScoringBatchSize);

    /// <summary>
    /// ML.NET's own anomaly transformer over the same model parameters and threshold, for code that needs exactly
    /// that type. It scores through ML.NET's per-row scorer, one network call per row: slower than this transformer.
    /// It shares <see cref="Model"/>: disposing either frees it.
    /// </summary>
    public AnomalyPredictionTransformer<AutoencoderAnomalyModelParameters> ToAnomalyPredictionTransformer()
    {
        Model.ThrowIfDisposed();
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(FeatureColumnName, FeatureColumnType);
        return new AnomalyPredictionTransformer<AutoencoderAnomalyModelParameters>(host, Model, builder.ToSchema(), FeatureColumnName, Threshold);
    }

    /// <summary>Frees the model's native memory (also for transformers sharing it); waits for running batches.</summary>
    public void Dispose() => Model.Dispose();

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "AEANOMPT",
        verWrittenCur: 0x00010001,
        verReadableCur: 0x00010001,
        verWeCanReadBack: 0x00010001,
        loaderSignature: LoaderSignature,
        loaderAssemblyName: typeof(AutoencoderAnomalyPredictionTransformer).Assembly.GetName().Name);

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        Model.ThrowIfDisposed();
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());
        // *** Binary format ***
        // model parameters (sub-model "Model"), string: feature column, float: threshold,
        // float: contamination (NaN when none), int: scoring batch size
        ctx.SaveModel(Model, ModelDirectory);
        ctx.SaveNonEmptyString(FeatureColumnName);
        ctx.Writer.Write(Threshold);
        ctx.Writer.Write(Contamination ?? float.NaN);
        ctx.Writer.Write(ScoringBatchSize);
    }

    // Factory method for SignatureLoadModel.
    private static AutoencoderAnomalyPredictionTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        ctx.CheckAtModel(GetVersionInfo());
        ctx.LoadModel<AutoencoderAnomalyModelParameters, SignatureLoadModel>(env, out var model, ModelDirectory);
        try
        {
            var featureColumn = ctx.LoadNonEmptyString();
            var threshold = ctx.Reader.ReadSingle();
            if (float.IsNaN(threshold))
                throw new FormatException("Model file holds a threshold that is not a number.");
            var contamination = ctx.Reader.ReadSingle();
            if (!float.IsNaN(contamination) && !(contamination > 0 && contamination <= 0.5f))
                throw new FormatException($"Model file holds contamination {contamination}; expected a rate in (0, 0.5].");
            var batchSize = ModelFormat.ReadInt(ctx.Reader, "the scoring batch size", 1, 1 << 20);
            return new AutoencoderAnomalyPredictionTransformer(env, model, featureColumn, threshold,
                float.IsNaN(contamination) ? null : contamination, batchSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
