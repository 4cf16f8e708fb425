using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Persistence;
using MLNetAutoencoders.Scoring;

[assembly: LoadableClass(typeof(AutoencoderAnomalyPredictionTransformer), null, typeof(SignatureLoadModel),
    "Autoencoder Anomaly Prediction Transformer", AutoencoderAnomalyPredictionTransformer.LoaderSignature)]

namespace MLNetAutoencoders.Anomaly;

/// <summary>
/// A fitted autoencoder anomaly detector, with the surface of ML.NET's anomaly detectors. <see cref="AutoencoderTransformerBase.Transform"/>
/// lazily adds <c>Score</c> (Single: the reconstruction error of the row and its code-space density term, see
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
/// row. This transformer runs the network on batches of <see cref="AutoencoderTransformerBase.ScoringBatchSize"/> rows inside the cursor,
/// several times faster (see the README). <see cref="ToAnomalyPredictionTransformer"/> returns the genuine
/// ML.NET type over the same model parameters, for code that needs exactly that type.
/// </remarks>
public sealed class AutoencoderAnomalyPredictionTransformer : AutoencoderTransformerBase, ISingleFeaturePredictionTransformer<AutoencoderAnomalyModelParameters>
{
    internal const string LoaderSignature = "AutoencoderAnomalyPred";
    private const string ModelDirectory = "Model";

    private readonly IHost host;
    private readonly AnomalyScorer scorer;

    internal AutoencoderAnomalyPredictionTransformer(IHostEnvironment env, AutoencoderAnomalyModelParameters model, string featureColumnName,
        float threshold, float? contamination, int scoringBatchSize)
        : base((model ?? throw new ArgumentNullException(nameof(model))).Fitted, scoringBatchSize)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentException.ThrowIfNullOrWhiteSpace(featureColumnName);
        if (float.IsNaN(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be a number.");
        host = env.Register(nameof(AutoencoderAnomalyPredictionTransformer));
        Model = model;
        FeatureColumnName = featureColumnName;
        FeatureColumnType = new VectorDataViewType(NumberDataViewType.Single, model.InputSize);
        Threshold = threshold;
        Contamination = contamination;
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

    private protected override IBatchScorer Scorer => scorer;

    private protected override string InputColumnName => FeatureColumnName;

    /// <summary>
    /// The same detector with another threshold; <c>mlContext.AnomalyDetection.ChangeModelThreshold</c> calls this.
    /// The two transformers share <see cref="Model"/>: disposing either frees it.
    /// </summary>
    public AutoencoderAnomalyPredictionTransformer WithThreshold(float threshold) =>
        threshold == Threshold ? this : new AutoencoderAnomalyPredictionTransformer(host, Model, FeatureColumnName, threshold, null, ScoringBatchSize);

    /// <summary>
    /// ML.NET's own anomaly transformer over the same model parameters and threshold, for code that needs exactly
    /// that type. It scores through ML.NET's per-row scorer, one network call per row: slower than this transformer.
    /// It shares <see cref="Model"/>: disposing either frees it. It exports to ONNX through ML.NET's <c>ConvertToOnnx</c>
    /// (the model writes <c>Score</c>, ML.NET's scorer writes <c>PredictedLabel</c> with the ai.onnx.ml Binarizer), but
    /// ONNX Runtime's Binarizer refuses a NaN score: such a file fails on a row holding NaN or infinity, where this
    /// transformer's own export gives a NaN score and <c>PredictedLabel</c> false.
    /// </summary>
    public AnomalyPredictionTransformer<AutoencoderAnomalyModelParameters> ToAnomalyPredictionTransformer()
    {
        Fitted.ThrowIfDisposed();
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(FeatureColumnName, FeatureColumnType);
        return new AnomalyPredictionTransformer<AutoencoderAnomalyModelParameters>(host, Model, builder.ToSchema(), FeatureColumnName, Threshold);
    }

    private protected override VersionInfo Version => GetVersionInfo();

    private static VersionInfo GetVersionInfo() => ModelFormat.VersionOf("AEANOMPT", LoaderSignature, typeof(AutoencoderAnomalyPredictionTransformer));

    private protected override void SaveModel(ModelSaveContext ctx)
    {
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
        return model.Fitted.Into(_ =>
        {
            var featureColumn = ctx.LoadNonEmptyString();
            var threshold = ctx.Reader.ReadSingle();
            if (float.IsNaN(threshold))
                throw new FormatException("Model file holds a threshold that is not a number.");
            var contamination = ctx.Reader.ReadSingle();
            if (!float.IsNaN(contamination) && !(contamination > 0 && contamination <= 0.5f))
                throw new FormatException($"Model file holds contamination {contamination}; expected a rate in (0, 0.5].");
            var batchSize = ModelFormat.ReadScoringBatchSize(ctx.Reader);
            return new AutoencoderAnomalyPredictionTransformer(env, model, featureColumn, threshold,
                float.IsNaN(contamination) ? null : contamination, batchSize);
        });
    }
}
