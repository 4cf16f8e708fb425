using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Onnx;
using MLNetAutoencoders.Persistence;
using MLNetAutoencoders.Scoring;
using TorchSharp;
using MLNetAutoencoders.Validation;
using Microsoft.ML.Trainers;
using static TorchSharp.torch;

[assembly: LoadableClass(typeof(AutoencoderAnomalyModelParameters), null, typeof(SignatureLoadModel),
    "Autoencoder Anomaly Model", AutoencoderAnomalyModelParameters.LoaderSignature)]

namespace MLNetAutoencoders.Anomaly;

/// <summary>
/// The fitted state of an autoencoder anomaly detector: the network, the feature standardization, for a
/// variational autoencoder how posterior samples become a score, and the density term in code space. The
/// reconstruction score of a row is its reconstruction error: the mean over the features of the squared difference
/// between the (standardized) row and its reconstruction; for a VAE, that error averaged over posterior samples, or
/// the negative ELBO; for an image detector with the structural term (<see cref="ScoresStructuralDissimilarity"/>), the
/// squared error / its training interquartile range + (1 - mean SSIM) / its training interquartile range. With the density term (the default since it was added), the anomaly score is
/// reconstruction score / its training interquartile range + distance from the row's code to the k-th nearest of a
/// sample of training codes / its training interquartile range (an image's two-term reconstruction score is added as
/// it is, each of its terms already in units of its spread): a row scores high when it reconstructs badly, or when
/// it reconstructs well but lies where few training rows lie. Without the term, the score is the reconstruction score.
/// Higher means more anomalous. Like ML.NET's <c>PcaModelParameters</c>, this is the <c>Model</c> of the
/// prediction transformer; it can also be bound by ML.NET's own <see cref="AnomalyPredictionTransformer{TModel}"/>, and
/// then exports to ONNX through ML.NET's scorer (this class writes the <c>Score</c>, ML.NET's scorer the <c>PredictedLabel</c>).
/// </summary>
public sealed class AutoencoderAnomalyModelParameters : IPredictorProducing<float>, ISchemaBindableMapper, ICanSaveModel, IDisposable,
    ICalculateFeatureContribution, IFeatureContributionMapper, IBindableCanSaveOnnx
{
    internal const string LoaderSignature = "AutoencoderAnomalyModel";

    private readonly FeatureStandardization? standardization;
    private readonly VaeScoring? vaeScoring;
    private readonly float[] vaeNoise;
    private readonly CodeDensity? codeDensity;
    private readonly StructuralDissimilarity? structure;

    /// <summary>Takes ownership of <paramref name="network"/>.</summary>
    internal AutoencoderAnomalyModelParameters(FittedNetwork network, FeatureStandardization? standardization, VaeScoring? vaeScoring,
        CodeDensity? codeDensity = null, StructuralDissimilarity? structure = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (standardization is not null && standardization.Means.Count != network.Description.InputSize)
            throw new ArgumentException($"The standardization has {standardization.Means.Count} features; the network reads {network.Description.InputSize}.", nameof(standardization));
        if ((vaeScoring is not null) != (network.Description.Bottleneck == BottleneckKind.Gaussian))
            throw new ArgumentException("Posterior sampling settings are needed exactly for a variational autoencoder.", nameof(vaeScoring));
        Fitted = network;
        this.standardization = standardization;
        this.vaeScoring = vaeScoring;
        vaeNoise = vaeScoring?.Noise(network.Description.LatentDimension) ?? [];
        if (codeDensity is not null && codeDensity.CodeSize != network.Description.LatentDimension)
            throw new ArgumentException($"The code density holds codes of size {codeDensity.CodeSize}; the network's codes have {network.Description.LatentDimension}.", nameof(codeDensity));
        this.codeDensity = codeDensity;
        if (structure is not null && (vaeScoring is not null || !structure.Image.Equals(network.Description.ImageShape)))
            throw new ArgumentException("A structural dissimilarity score needs a non-variational network that reads its image.", nameof(structure));
        this.structure = structure;
    }

    /// <summary>The variant the autoencoder was trained as.</summary>
    public AutoencoderKind Kind => Fitted.Description.Kind;

    /// <summary>Size of the feature vector.</summary>
    public int InputSize => Fitted.Description.InputSize;

    /// <summary>The fitted network's architecture.</summary>
    public NetworkDescription Architecture => Fitted.Description;

    /// <summary>The fitted network's architecture: the former name of <see cref="Architecture"/>.</summary>
    [Obsolete("Use Architecture.")]
    public NetworkDescription Network => Architecture;

    /// <summary>Whether features are standardized with <see cref="FeatureMeans"/> and <see cref="FeatureScales"/> before the network sees them.</summary>
    public bool IsStandardized => standardization is not null;

    /// <summary>The training mean of each feature; empty when the features are not standardized.</summary>
    public IReadOnlyList<float> FeatureMeans => standardization?.Means ?? [];

    /// <summary>The training standard deviation of each feature (1 for a feature that was constant); empty when not standardized.</summary>
    public IReadOnlyList<float> FeatureScales => standardization?.Scales ?? [];

    /// <summary>What the score of a variational autoencoder measures; null for the other kinds.</summary>
    public VaeAnomalyScore? VaeScore => vaeScoring?.Score;

    /// <summary>Posterior samples per row of a variational autoencoder's score; 0 for the other kinds.</summary>
    public int VaeScoringSamples => vaeScoring?.Samples ?? 0;

    /// <summary>
    /// Whether the score adds the density term in code space (see the class remarks); false for models saved before it
    /// existed and for detectors trained with <c>ScoreCodeDensity = false</c>.
    /// </summary>
    public bool ScoresCodeDensity => codeDensity is not null;

    /// <summary>
    /// Whether an image detector's reconstruction score adds the structural dissimilarity to the squared error, each in units
    /// of its training spread (see <c>AutoencoderAnomalyOptions.ScoreStructuralDissimilarity</c>); false for models saved before it existed.
    /// </summary>
    public bool ScoresStructuralDissimilarity => structure is not null;

    /// <summary>The side of the structural similarity's square neighbourhood; 0 without the term.</summary>
    public int StructuralSimilarityWindow => structure?.Window ?? 0;

    /// <summary>The k of the density term's k-th nearest reference code; 0 without the term.</summary>
    public int CodeDensityNeighbours => codeDensity?.Neighbours ?? 0;

    /// <summary>The number of training codes the density term measures distances to; 0 without the term.</summary>
    public int CodeDensityReferenceRows => codeDensity?.Rows ?? 0;

    /// <summary>Mean training loss of each epoch (in the standardized space when <see cref="IsStandardized"/>).</summary>
    public IReadOnlyList<float> TrainingLoss => Fitted.History.TrainingLoss;

    /// <summary>Mean validation loss of each epoch; empty when no validation fraction was set.</summary>
    public IReadOnlyList<float> ValidationLoss => Fitted.History.ValidationLoss;

    /// <summary>
    /// Training rows that the detector's training left out because they held NaN or infinity
    /// (<c>AutoencoderOptions.SkipRowsWithNonFiniteValues</c> of <c>AutoencoderAnomalyOptions.Autoencoder</c>; they count neither in the standardization nor in the threshold); 0 when none were. Null for a model loaded from a model
    /// file: the count is not saved.
    /// </summary>
    public long? SkippedTrainingRows => Fitted.History.SkippedTrainingRows;

    PredictionKind IPredictor.PredictionKind => PredictionKind.AnomalyDetection;

    /// <summary>The network, its guard and its history; shared with every prediction transformer over this model.</summary>
    internal FittedNetwork Fitted { get; }

    /// <summary>The feature standardization; null when the features are not standardized.</summary>
    internal FeatureStandardization? Standardization => standardization;

    /// <summary>How a variational autoencoder's posterior samples become its score; null for the other kinds.</summary>
    internal VaeScoring? VaeScoring => vaeScoring;

    /// <summary>The L x latent posterior noise draws every row shares (<see cref="Anomaly.VaeScoring.Noise"/>); empty for the other kinds.</summary>
    internal IReadOnlyList<float> VaeNoise => vaeNoise;

    /// <summary>The density term in code space; null without it.</summary>
    internal CodeDensity? CodeDensity => codeDensity;

    /// <summary>The structural dissimilarity in the reconstruction score; null without it.</summary>
    internal StructuralDissimilarity? StructuralDissimilarity => structure;

    /// <summary>Frees the network's native memory; waits for running batches. Scoring afterwards throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => Fitted.Dispose();

    /// <summary>Standardizes a [rows, features] batch of raw feature rows in place (nothing when not standardized).</summary>
    internal void Standardize(Tensor x) => standardization?.ApplyInPlace(x);

    /// <summary>
    /// Scores the rows of a [rows, features] tensor that are already standardized (the training rows),
    /// <paramref name="batchSize"/> rows per network call; <paramref name="checkAlive"/> runs before each batch (cancellation).
    /// </summary>
    internal float[] ScoreStandardized(Tensor values, int batchSize, Action? checkAlive = null)
    {
        var scores = new float[checked((int)values.shape[0])];
        ForEachBatch(values, batchSize, checkAlive, (x, start, count) => TensorData.Read(ScoreBatch(x), scores.AsSpan(start, count)));
        return scores;
    }

    /// <summary>
    /// The two parts of the score of already standardized rows, batched as <see cref="ScoreStandardized"/>: the
    /// reconstruction score of each row and its code (row-major, rows x latent dimension); what the density term is fitted on.
    /// </summary>
    internal (float[] Reconstruction, float[] Codes) ScoreParts(Tensor values, int batchSize, Action? checkAlive = null)
    {
        var rows = checked((int)values.shape[0]);
        var latent = Fitted.Description.LatentDimension;
        var reconstruction = new float[rows];
        var codes = new float[checked(rows * latent)];
        ForEachBatch(values, batchSize, checkAlive, (x, start, count) =>
        {
            var forward = Forward(x);
            TensorData.Read(ReconstructionScore(forward), reconstruction.AsSpan(start, count));
            TensorData.Read(forward.Code, codes.AsSpan(start * latent, count * latent));
        });
        return (reconstruction, codes);
    }

    /// <summary>The distance of each code (row-major, latent dimension wide) to its k-th nearest reference code of <paramref name="density"/>.</summary>
    internal float[] CodeDistances(CodeDensity density, float[] codes, int batchSize, Action? checkAlive = null)
    {
        var latent = Fitted.Description.LatentDimension;
        var rows = codes.Length / latent;
        var distances = new float[rows];
        using var noGrad = no_grad();
        for (var start = 0; start < rows; start += batchSize)
        {
            using var scope = NewDisposeScope();
            checkAlive?.Invoke();
            var count = Math.Min(batchSize, rows - start);
            var batch = tensor(codes.AsSpan(start * latent, count * latent).ToArray(), [count, latent]);
            TensorData.Read(density.Distance(batch), distances.AsSpan(start, count));
        }
        return distances;
    }

    /// <summary>The same model with the density term <paramref name="density"/> in its score; shares the network.</summary>
    internal AutoencoderAnomalyModelParameters WithCodeDensity(CodeDensity density) => new(Fitted, standardization, vaeScoring, density, structure);

    /// <summary>The same model with <paramref name="dissimilarity"/> in its reconstruction score (and no density term yet); shares the network.</summary>
    internal AutoencoderAnomalyModelParameters WithStructuralDissimilarity(StructuralDissimilarity dissimilarity) => new(Fitted, standardization, vaeScoring, null, dissimilarity);

    /// <summary>
    /// The two parts of an image's reconstruction score, unscaled, of already standardized rows, batched as
    /// <see cref="ScoreStandardized"/>: each row's squared error and its dissimilarity under <paramref name="structure"/>'s
    /// window and constants; what the term's scales are fitted on.
    /// </summary>
    internal (float[] SquaredErrors, float[] Dissimilarities) StructureParts(Tensor values, StructuralDissimilarity structure, int batchSize, Action? checkAlive = null)
    {
        var rows = checked((int)values.shape[0]);
        var squaredErrors = new float[rows];
        var dissimilarities = new float[rows];
        ForEachBatch(values, batchSize, checkAlive, (x, start, count) =>
        {
            var (_, _, reconstruction, target) = Forward(x);
            TensorData.Read(NetworkMath.RowMeanSquaredError(reconstruction, target), squaredErrors.AsSpan(start, count));
            TensorData.Read(structure.Dissimilarity(reconstruction, target), dissimilarities.AsSpan(start, count));
        });
        return (squaredErrors, dissimilarities);
    }

    /// <summary>The score of each row of a [rows, features] batch in the network's input space. Call under a lease.</summary>
    internal Tensor ScoreBatch(Tensor x)
    {
        var forward = Forward(x);
        var reconstruction = ReconstructionScore(forward);
        return codeDensity is null ? reconstruction : codeDensity.Score(reconstruction, forward.Code);
    }

    /// <summary>
    /// A batch through the network: its code (the posterior mean for a VAE), its reconstruction and the target it is
    /// compared with — [rows, features] each, or [rows, L, features] for a VAE, which decodes the same L posterior
    /// noise draws for every row: z_l = mu + sigma * eps_l.
    /// </summary>
    private (Tensor EncoderOutput, Tensor Code, Tensor Reconstruction, Tensor Target) Forward(Tensor x)
    {
        var network = Fitted.Module;
        var encoderOutput = network.EncoderOutput(x);
        var code = network.Code(encoderOutput);
        if (vaeScoring is null)
            return (encoderOutput, code, network.Decode(code), x);
        var rows = x.shape[0];
        var latent = Fitted.Description.LatentDimension;
        var eps = tensor(vaeNoise, [1, vaeScoring.Samples, latent]);
        var z = NetworkMath.Reparameterise(code.unsqueeze(1), network.LogVariance(encoderOutput).unsqueeze(1), eps);
        var decoded = network.Decode(z.reshape(rows * vaeScoring.Samples, latent)).reshape(rows, vaeScoring.Samples, InputSize);
        return (encoderOutput, code, decoded, x.unsqueeze(1).expand_as(decoded));
    }

    /// <summary>The reconstruction part of the score: the row's mean squared error (over the posterior samples of a VAE) or its negative ELBO.</summary>
    private Tensor ReconstructionScore((Tensor EncoderOutput, Tensor Code, Tensor Reconstruction, Tensor Target) forward)
    {
        var (encoderOutput, code, reconstruction, target) = forward;
        if (structure is not null)
            return structure.Score(reconstruction, target);
        if (vaeScoring is not { Score: VaeAnomalyScore.NegativeElbo })
            return NetworkMath.RowMeanSquaredError(reconstruction, target);
        var negativeLogLikelihood = NetworkMath.NegativeLogLikelihood(reconstruction, target, vaeScoring.BernoulliLikelihood);
        return negativeLogLikelihood.sum(2).mean([1]).Plus(NetworkMath.GaussianKL(code, Fitted.Module.LogVariance(encoderOutput)));
    }

    private void ForEachBatch(Tensor values, int batchSize, Action? checkAlive, Action<Tensor, int, int> score)
    {
        var rows = checked((int)values.shape[0]);
        using var lease = Fitted.Enter();
        using var noGrad = no_grad();
        for (var start = 0; start < rows; start += batchSize)
        {
            using var scope = NewDisposeScope();
            checkAlive?.Invoke();
            var count = Math.Min(batchSize, rows - start);
            score(values.narrow(0, start, count).clone(), start, count); // a batch-sized copy, as scoring makes
        }
    }

    FeatureContributionCalculator ICalculateFeatureContribution.FeatureContributionCalculator => new(this);

    ValueMapper<TSrc, VBuffer<float>> IFeatureContributionMapper.GetFeatureContributionMapper<TSrc, TDst>(int top, int bottom, bool normalize) =>
        FeatureContributions.Mapper<TSrc>(this, top, bottom, normalize);

    /// <summary>[rows, features]: each feature's squared error (for the negative ELBO, negative log-likelihood), averaged over the posterior samples. Call under a lease.</summary>
    internal Tensor FeatureErrors(Tensor x)
    {
        var (_, _, reconstruction, target) = Forward(x);
        var bernoulli = vaeScoring is { Score: VaeAnomalyScore.NegativeElbo, BernoulliLikelihood: true };
        var errors = NetworkMath.NegativeLogLikelihood(reconstruction, target, bernoulli);
        return vaeScoring is null ? errors : errors.mean([1]);
    }

    ISchemaBoundMapper ISchemaBindableMapper.Bind(IHostEnvironment env, RoleMappedSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Fitted.ThrowIfDisposed();
        var feature = schema.Feature ?? throw new ArgumentException("The autoencoder anomaly detector needs a feature column.", nameof(schema));
        SchemaChecks.RequireNetworkInput(schema.Schema, feature.Name, Fitted.Description);
        TorchRuntime.EnsureLoaded();
        return new AnomalyBoundMapper(this, schema);
    }

    // ML.NET's AnomalyPredictionTransformer scores through BinaryClassifierScorer, whose Bindable is this class (it is an
    // ISchemaBindableMapper, so ML.NET does not wrap it in SchemaBindablePredictorWrapper and never asks for ISingleCanSaveOnnx).
    // The scorer's CanSaveOnnx asks this class; its SaveAsOnnx binds PredictedLabel and Score to new variables, asks this
    // class to write them, then writes PredictedLabel itself: Binarizer(Score, threshold) + Cast to bool.
    bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        Fitted.ThrowIfDisposed();
        ctx.CheckOpSetVersion(OnnxNetworkWriter.MinimumOpSet, nameof(AutoencoderAnomalyModelParameters));
        return true;
    }

    bool IBindableCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, RoleMappedSchema schema, string[] outputNames)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(outputNames);
        // The scorer's derived column (PredictedLabel) comes first, then the bound mapper's only column, the score.
        if (outputNames.Length == 0)
            throw new InvalidOperationException($"ONNX export: ML.NET's scorer asked for no output of the {nameof(AutoencoderAnomalyModelParameters)}; expected its '{DefaultColumnNames.Score}' column last.");
        var feature = schema.Feature?.Name
            ?? throw new InvalidOperationException($"ONNX export: column '{DefaultColumnNames.Score}' cannot be written because the anomaly detector was bound without a feature column.");
        if (!ctx.ContainsColumn(feature))
            throw new InvalidOperationException($"ONNX export: column '{DefaultColumnNames.Score}' cannot be written because its feature column '{feature}' is not in the ONNX graph (dropped or not exportable upstream).");
        using var lease = Fitted.Enter();
        var writer = new AnomalyOnnxWriter(ctx, this, DefaultColumnNames.Score);
        writer.Assign(writer.Score(ctx.GetVariableName(feature)), outputNames[^1]);
        return true;
    }

    // 0x00010002 (after v0.1.0): the code density term follows the VAE scoring settings.
    private const uint CodeDensityVersion = 0x00010002;

    // 0x00010003: the network description starts with its own version (NetworkDescription.Read).
    private const uint VersionedDescriptionVersion = 0x00010003;

    // 0x00010004: the structural dissimilarity of an image detector follows the code density term.
    private const uint StructuralDissimilarityVersion = 0x00010004;

    private static VersionInfo GetVersionInfo() => ModelFormat.VersionOf("AEANOMMP", LoaderSignature, typeof(AutoencoderAnomalyModelParameters), StructuralDissimilarityVersion);

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        using var lease = Fitted.Enter();
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());
        // *** Binary format ***
        // network description (since 0x00010003 starting with its version), bool: standardized, [feature means and scales (float[] each)],
        // bool: variational, [VAE scoring: int score, int samples, int seed, bool Bernoulli likelihood],
        // since 0x00010002: bool: code density, [CodeDensity.Write],
        // since 0x00010004: bool: structural dissimilarity, [StructuralDissimilarity.Write],
        // float[]: training loss, float[]: validation loss, weights (NetworkWeights)
        Fitted.WriteDescription(ctx.Writer);
        ctx.Writer.Write(standardization is not null);
        standardization?.Write(ctx.Writer);
        ctx.Writer.Write(vaeScoring is not null);
        vaeScoring?.Write(ctx.Writer);
        ctx.Writer.Write(codeDensity is not null);
        codeDensity?.Write(ctx.Writer);
        ctx.Writer.Write(structure is not null);
        structure?.Write(ctx.Writer);
        Fitted.WriteWeights(ctx.Writer, withHistory: true);
    }

    // Factory method for SignatureLoadModel.
    private static AutoencoderAnomalyModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        ctx.CheckAtModel(GetVersionInfo());
        var description = NetworkDescription.Read(ctx.Reader, carriesVersion: ctx.Header.ModelVerWritten >= VersionedDescriptionVersion);
        var standardization = ctx.Reader.ReadBoolean() ? FeatureStandardization.Read(ctx.Reader, description.InputSize) : null;
        var vaeScoring = ctx.Reader.ReadBoolean() ? VaeScoring.Read(ctx.Reader) : null;
        if ((vaeScoring is not null) != (description.Bottleneck == BottleneckKind.Gaussian))
            throw new FormatException($"Model file holds {(vaeScoring is null ? "no" : "")} posterior sampling settings for a {description.Kind} autoencoder.");
        var codeDensity = ctx.Header.ModelVerWritten >= CodeDensityVersion && ctx.Reader.ReadBoolean()
            ? CodeDensity.Read(ctx.Reader, description.LatentDimension)
            : null;
        var structure = ctx.Header.ModelVerWritten >= StructuralDissimilarityVersion && ctx.Reader.ReadBoolean()
            ? StructuralDissimilarity.Read(ctx.Reader, description.ImageShape)
            : null;
        if (structure is not null && vaeScoring is not null)
            throw new FormatException("Model file holds a structural dissimilarity score for a variational autoencoder, which scores with its posterior samples.");
        return FittedNetwork.ReadWeights(ctx.Reader, description, withHistory: true, nameof(AutoencoderAnomalyModelParameters))
            .IntoLoaded(network => new AutoencoderAnomalyModelParameters(network, standardization, vaeScoring, codeDensity, structure), "anomaly model");
    }
}
