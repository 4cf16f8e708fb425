using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Persistence;
using MLNetAutoencoders.Scoring;
using TorchSharp;
using static TorchSharp.torch;

[assembly: LoadableClass(typeof(AutoencoderAnomalyModelParameters), null, typeof(SignatureLoadModel),
    "Autoencoder Anomaly Model", AutoencoderAnomalyModelParameters.LoaderSignature)]

namespace MLNetAutoencoders.Anomaly;

/// <summary>
/// The fitted state of an autoencoder anomaly detector: the network, the feature standardization and, for a
/// variational autoencoder, how posterior samples become a score. The anomaly score of a row is its
/// reconstruction error: the mean over the features of the squared difference between the (standardized)
/// row and its reconstruction; for a VAE, that error averaged over posterior samples, or the negative ELBO.
/// Higher means more anomalous. Like ML.NET's <c>PcaModelParameters</c>, this is the <c>Model</c> of the
/// prediction transformer; it can also be bound by ML.NET's own <see cref="AnomalyPredictionTransformer{TModel}"/>.
/// </summary>
public sealed class AutoencoderAnomalyModelParameters : IPredictorProducing<float>, ISchemaBindableMapper, ICanSaveModel, IDisposable
{
    internal const string LoaderSignature = "AutoencoderAnomalyModel";

    private readonly AutoencoderNetwork network;
    private readonly FeatureStandardization? standardization;
    private readonly VaeScoring? vaeScoring;
    private readonly float[] vaeNoise;
    private readonly DisposalGuard guard;

    internal AutoencoderAnomalyModelParameters(AutoencoderNetwork network, FeatureStandardization? standardization, VaeScoring? vaeScoring,
        IReadOnlyList<float> trainingLoss, IReadOnlyList<float> validationLoss, long? skippedTrainingRows = null)
    {
        if (standardization is not null && standardization.Means.Count != network.Description.InputSize)
            throw new ArgumentException($"The standardization has {standardization.Means.Count} features; the network reads {network.Description.InputSize}.", nameof(standardization));
        if ((vaeScoring is not null) != (network.Description.Bottleneck == BottleneckKind.Gaussian))
            throw new ArgumentException("Posterior sampling settings are needed exactly for a variational autoencoder.", nameof(vaeScoring));
        this.network = network;
        network.eval();
        this.standardization = standardization;
        this.vaeScoring = vaeScoring;
        vaeNoise = vaeScoring?.Noise(network.Description.LatentDimension) ?? [];
        TrainingLoss = trainingLoss.ToArray();
        ValidationLoss = validationLoss.ToArray();
        SkippedTrainingRows = skippedTrainingRows;
        guard = new DisposalGuard(nameof(AutoencoderAnomalyModelParameters), network.Dispose);
    }

    /// <summary>The variant the autoencoder was trained as.</summary>
    public AutoencoderKind Kind => network.Description.Kind;

    /// <summary>Size of the feature vector.</summary>
    public int InputSize => network.Description.InputSize;

    /// <summary>The fitted network's architecture.</summary>
    public NetworkDescription Network => network.Description;

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

    /// <summary>Mean training loss of each epoch (in the standardized space when <see cref="IsStandardized"/>).</summary>
    public IReadOnlyList<float> TrainingLoss { get; }

    /// <summary>Mean validation loss of each epoch; empty when no validation fraction was set.</summary>
    public IReadOnlyList<float> ValidationLoss { get; }

    /// <summary>
    /// Training rows that the detector's training left out because they held NaN or infinity
    /// (<c>AutoencoderOptions.SkipRowsWithNonFiniteValues</c> of <c>AutoencoderAnomalyOptions.Autoencoder</c>; they count neither in the standardization nor in the threshold); 0 when none were. Null for a model loaded from a model
    /// file: the count is not saved.
    /// </summary>
    public long? SkippedTrainingRows { get; }

    PredictionKind IPredictor.PredictionKind => PredictionKind.AnomalyDetection;

    /// <summary>Frees the network's native memory; waits for running batches. Scoring afterwards throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => guard.Dispose();

    internal void ThrowIfDisposed() => guard.ThrowIfDisposed();

    /// <summary>Scores <paramref name="rows"/> raw feature rows laid out row-major in <paramref name="input"/>.</summary>
    internal void Score(ReadOnlySpan<float> input, int rows, Span<float> scores)
    {
        using var lease = guard.Enter();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = empty(rows, InputSize);
        TensorData.Write(x, input);
        standardization?.ApplyInPlace(x);
        TensorData.Read(ScoreBatch(x), scores);
    }

    /// <summary>
    /// Scores the rows of a [rows, features] tensor that are already standardized (the training rows),
    /// <paramref name="batchSize"/> rows per network call; <paramref name="checkAlive"/> runs before each batch (cancellation).
    /// </summary>
    internal float[] ScoreStandardized(Tensor values, int batchSize, Action? checkAlive = null)
    {
        var rows = checked((int)values.shape[0]);
        using var lease = guard.Enter();
        using var noGrad = no_grad();
        var scores = new float[rows];
        for (var start = 0; start < rows; start += batchSize)
        {
            using var scope = NewDisposeScope();
            checkAlive?.Invoke();
            var count = Math.Min(batchSize, rows - start);
            var x = values.narrow(0, start, count).clone(); // a batch-sized copy, as scoring makes
            TensorData.Read(ScoreBatch(x), scores.AsSpan(start, count));
        }
        return scores;
    }

    /// <summary>The score of each row of a [rows, features] batch in the network's input space.</summary>
    private Tensor ScoreBatch(Tensor x)
    {
        var encoderOutput = network.EncoderOutput(x);
        if (vaeScoring is null)
            return network.Decode(network.Code(encoderOutput)).Minus(x).Squared().mean([1]);

        // Every row decodes the same L noise draws: z_l = mu + sigma * eps_l, shape [rows, L, latent]. The scalars are
        // explicit and alive to the end: TorchSharp 0.107 leaves implicitly converted ones to the finalizer, which can
        // free them during the native call that reads them.
        using var half = 0.5.ToScalar();
        using var one = 1.ToScalar();
        using var minusHalf = (-0.5).ToScalar();
        using var low = 1e-6.ToScalar();
        using var high = (1 - 1e-6).ToScalar();
        var rows = x.shape[0];
        var latent = network.Description.LatentDimension;
        var mu = network.Mean(encoderOutput);
        var logVariance = network.LogVariance(encoderOutput);
        var eps = tensor(vaeNoise, [1, vaeScoring.Samples, latent]);
        var z = mu.unsqueeze(1).Plus(logVariance.mul(half).exp().unsqueeze(1) * eps);
        var decoded = network.Decode(z.reshape(rows * vaeScoring.Samples, latent)).reshape(rows, vaeScoring.Samples, InputSize);
        var target = x.unsqueeze(1).expand_as(decoded);
        if (vaeScoring.Score == VaeAnomalyScore.ExpectedReconstructionError)
            return decoded.Minus(target).Squared().mean([1, 2]);

        var negativeLogLikelihood = vaeScoring.BernoulliLikelihood
            ? nn.functional.binary_cross_entropy(decoded.clamp(low, high), target, reduction: nn.Reduction.None)
            : decoded.Minus(target).Squared();
        var kl = logVariance.Plus(one).MinusInPlace(mu.Squared()).MinusInPlace(logVariance.exp()).mul_(minusHalf).sum(1);
        return negativeLogLikelihood.sum(2).mean([1]).Plus(kl);
    }

    ISchemaBoundMapper ISchemaBindableMapper.Bind(IHostEnvironment env, RoleMappedSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        guard.ThrowIfDisposed();
        var feature = schema.Feature ?? throw new ArgumentException("The autoencoder anomaly detector needs a feature column.", nameof(schema));
        InputColumn.Check(schema.Schema, feature.Name, InputSize);
        TorchRuntime.EnsureLoaded();
        return new AnomalyBoundMapper(this, schema);
    }

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "AEANOMMP",
        verWrittenCur: 0x00010001,
        verReadableCur: 0x00010001,
        verWeCanReadBack: 0x00010001,
        loaderSignature: LoaderSignature,
        loaderAssemblyName: typeof(AutoencoderAnomalyModelParameters).Assembly.GetName().Name);

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        using var lease = guard.Enter();
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());
        // *** Binary format ***
        // network description, bool: standardized, [feature means and scales (float[] each)],
        // bool: variational, [VAE scoring: int score, int samples, int seed, bool Bernoulli likelihood],
        // float[]: training loss, float[]: validation loss, weights (NetworkWeights)
        network.Description.Write(ctx.Writer);
        ctx.Writer.Write(standardization is not null);
        standardization?.Write(ctx.Writer);
        ctx.Writer.Write(vaeScoring is not null);
        vaeScoring?.Write(ctx.Writer);
        ModelFormat.WriteFloats(ctx.Writer, TrainingLoss);
        ModelFormat.WriteFloats(ctx.Writer, ValidationLoss);
        NetworkWeights.Write(ctx.Writer, network);
    }

    // Factory method for SignatureLoadModel.
    private static AutoencoderAnomalyModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        ctx.CheckAtModel(GetVersionInfo());
        var description = NetworkDescription.Read(ctx.Reader);
        var standardization = ctx.Reader.ReadBoolean() ? FeatureStandardization.Read(ctx.Reader, description.InputSize) : null;
        var vaeScoring = ctx.Reader.ReadBoolean() ? VaeScoring.Read(ctx.Reader) : null;
        if ((vaeScoring is not null) != (description.Bottleneck == BottleneckKind.Gaussian))
            throw new FormatException($"Model file holds {(vaeScoring is null ? "no" : "")} posterior sampling settings for a {description.Kind} autoencoder.");
        var trainingLoss = ModelFormat.ReadFloats(ctx.Reader, "the training loss history");
        var validationLoss = ModelFormat.ReadFloats(ctx.Reader, "the validation loss history");
        var network = NetworkWeights.ReadNetwork(ctx.Reader, description);
        return new AutoencoderAnomalyModelParameters(network, standardization, vaeScoring, trainingLoss, validationLoss);
    }
}
