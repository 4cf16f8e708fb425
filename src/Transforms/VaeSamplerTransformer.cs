using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TorchSharp;
using MLNetAutoencoders;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Persistence;
using MLNetAutoencoders.Sampling;
using MLNetAutoencoders.Scoring;
using MLNetAutoencoders.Validation;
using static TorchSharp.torch;

[assembly: LoadableClass(typeof(VaeSamplerTransformer), null, typeof(SignatureLoadModel),
    "VAE Sampler Transformer", VaeSamplerTransformer.LoaderSignature)]

namespace MLNetAutoencoders;

/// <summary>
/// Generates data with a fitted variational autoencoder: <see cref="AutoencoderTransformerBase.Transform"/> lazily adds a sample column (the VAE's
/// input size) drawn as <see cref="VaeSamplerSettings.Mode"/> says — from the prior, from the posterior of each row, or
/// by decoding the row's latent vector. A row's sample depends only on <see cref="VaeSamplerSettings.Seed"/> and the
/// row's position, never on batch size or cursor (values equal up to float rounding of the matrix kernels, which
/// differ between batch sizes). <see cref="Generate"/> samples without an input view; <see cref="Interpolate"/> walks
/// the latent space between two inputs. Saved inside ML.NET model zips and loaded with <c>mlContext.Model.Load</c>.
/// </summary>
public sealed class VaeSamplerTransformer : AutoencoderTransformerBase
{
    internal const string LoaderSignature = "VaeSampler";

    /// <summary>Largest number of interpolation steps accepted.</summary>
    public const int MaxInterpolationSteps = 1 << 16;

    private readonly SampleScorer scorer;

    /// <summary>Takes ownership of <paramref name="network"/>.</summary>
    internal VaeSamplerTransformer(FittedNetwork network, VaeSamplerSettings settings, int scoringBatchSize)
        : base(network, scoringBatchSize)
    {
        RequireVariational(network.Description.Kind, nameof(network));
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        VaeSamplingValidation.RequireDrawable(settings.Output, network.Description.OutputActivation, nameof(settings));
        Settings = settings;
        scorer = CreateScorer(settings.Mode, settings.Seed);
    }

    /// <summary>How this transformer samples: columns, mode, decoder output, temperature and seed.</summary>
    public VaeSamplerSettings Settings { get; }

    /// <summary>Size of the VAE's input, and of every sample.</summary>
    public int InputSize => Fitted.Description.InputSize;

    /// <summary>Size of the VAE's latent space (the vectors <see cref="VaeSamplingMode.Decode"/> mode reads).</summary>
    public int LatentDimension => Fitted.Description.LatentDimension;

    /// <summary>The VAE's architecture.</summary>
    public NetworkDescription Architecture => Fitted.Description;

    /// <summary>The VAE's architecture: the former name of <see cref="Architecture"/>.</summary>
    [Obsolete("Use Architecture.")]
    public NetworkDescription Network => Architecture;

    /// <summary>
    /// Training rows that the VAE's training left out because they held NaN or infinity
    /// (<c>AutoencoderOptions.SkipRowsWithNonFiniteValues</c>, through <c>Vae</c>; for a wrapped fitted VAE, its own count); 0 when none were. Null for a transformer loaded from a model
    /// file: the count is not saved.
    /// </summary>
    public long? SkippedTrainingRows => Fitted.History.SkippedTrainingRows;

    private protected override IBatchScorer Scorer => scorer;

    private protected override string InputColumnName => Settings.InputColumnName;

    /// <summary>
    /// Builds a sampler from a fitted VAE, copying its weights: the sampler and <paramref name="vae"/> can be disposed
    /// independently.
    /// </summary>
    internal static VaeSamplerTransformer FromEmbedding(AutoencoderEmbeddingTransformer vae, VaeSamplerSettings settings, int scoringBatchSize)
    {
        ArgumentNullException.ThrowIfNull(vae);
        RequireVariational(vae.Kind, nameof(vae));
        TorchRuntime.EnsureLoaded();
        var copy = new AutoencoderNetwork(vae.Architecture);
        try
        {
            using (no_grad())
                foreach (var ((_, target), (_, source)) in copy.named_parameters().Zip(vae.Module.named_parameters()))
                    target.copy_(source);
        }
        catch
        {
            copy.Dispose();
            throw;
        }
        var history = TrainingHistory.None with { SkippedTrainingRows = vae.SkippedTrainingRows };
        return new FittedNetwork(copy, nameof(VaeSamplerTransformer), history)
            .Into(network => new VaeSamplerTransformer(network, settings, scoringBatchSize));
    }

    /// <summary>
    /// A lazy view of <paramref name="count"/> prior samples in one column named <see cref="VaeSamplerSettings.OutputColumnName"/>,
    /// with this transformer's temperature and decoder output whatever its mode. Row i equals row i of a
    /// <see cref="VaeSamplingMode.Prior"/> transform with the same seed; nothing is computed before a cursor reads it.
    /// </summary>
    /// <param name="count">Number of rows, ≥ 0.</param>
    /// <param name="seed">Seed of the draws; null uses <see cref="VaeSamplerSettings.Seed"/>.</param>
    public IDataView Generate(long count, int? seed = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Fitted.ThrowIfDisposed();
        TorchRuntime.EnsureLoaded();
        var prior = CreateScorer(VaeSamplingMode.Prior, seed ?? Settings.Seed);
        return new BatchedScoringDataView(new RowCountDataView(count), Settings.OutputColumnName, prior, ScoringBatchSize);
    }

    /// <summary>
    /// Decoder means along the straight line in latent space from the posterior mean of <paramref name="from"/> to that of
    /// <paramref name="to"/>, endpoints included: element 0 is the reconstruction of <paramref name="from"/>, the last
    /// that of <paramref name="to"/>. Deterministic: no noise, whatever the settings.
    /// </summary>
    /// <param name="from">An input vector of size <see cref="InputSize"/>.</param>
    /// <param name="to">An input vector of size <see cref="InputSize"/>.</param>
    /// <param name="steps">Number of points, in [2, <see cref="MaxInterpolationSteps"/>].</param>
    /// <returns><paramref name="steps"/> vectors of size <see cref="InputSize"/>.</returns>
    public float[][] Interpolate(float[] from, float[] to, int steps)
    {
        CheckInputVector(from, nameof(from));
        CheckInputVector(to, nameof(to));
        if (steps < 2 || steps > MaxInterpolationSteps)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"The number of interpolation steps must be in [2, {MaxInterpolationSteps}]; got {steps}.");
        TorchRuntime.EnsureLoaded();
        float[] decoded;
        using (Fitted.Enter())
        using (NewDisposeScope())
        using (no_grad())
        using (var one = 1.ToScalar()) // explicit and alive over the native call (TorchSharp 0.107's implicit Scalars are finalizer-freed)
        {
            var module = Fitted.Module;
            var means = module.Mean(module.EncoderOutput(tensor(from.Concat(to).ToArray(), new long[] { 2, InputSize })));
            var t = linspace(0, 1, steps).unsqueeze(1);
            var z = (t.neg().PlusInPlace(one) * means[0].unsqueeze(0)).Plus(t * means[1].unsqueeze(0));
            decoded = module.Decode(z).data<float>().ToArray();
        }
        return Enumerable.Range(0, steps).Select(i => decoded.AsSpan(i * InputSize, InputSize).ToArray()).ToArray();
    }

    private SampleScorer CreateScorer(VaeSamplingMode mode, int seed) =>
        new(Fitted, mode, Settings.Output, Settings.Temperature, seed, Settings.OutputColumnName);

    private protected override void CheckInput(DataViewSchema schema)
    {
        if (Settings.Mode == VaeSamplingMode.Posterior)
            SchemaChecks.RequireNetworkInput(schema, Settings.InputColumnName, Fitted.Description);
        else if (Settings.Mode == VaeSamplingMode.Decode)
            SchemaChecks.RequireSingleVector(schema, Settings.InputColumnName, LatentDimension, "Latent",
                $"Decode mode expects a vector of Single of the VAE's latent size {LatentDimension}", spellOutSize: true);
    }

    private void CheckInputVector(float[] vector, string name)
    {
        ArgumentNullException.ThrowIfNull(vector, name);
        if (vector.Length != InputSize)
            throw new ArgumentException($"'{name}' has {vector.Length} values; expected the VAE's input size {InputSize}.", name);
    }

    private static void RequireVariational(AutoencoderKind kind, string parameter)
    {
        if (kind != AutoencoderKind.Variational)
            throw new ArgumentException(
                $"A VaeSampler needs a variational autoencoder (AutoencoderKind.Variational); this one is {kind}, which has no latent distribution to sample.",
                parameter);
    }

    private protected override VersionInfo Version => GetVersionInfo();

    // 0x00010002 (after v0.1.0): the network description starts with its own version (NetworkDescription.Read).
    private static VersionInfo GetVersionInfo() => ModelFormat.VersionOf("VAESAMPT", LoaderSignature, typeof(VaeSamplerTransformer), ModelFormat.VersionedDescription);

    // *** Binary format *** settings (VaeSamplerSettings.Write), then the network without loss histories
    // (AutoencoderTransformerBase.SaveModel: scoring batch size, description, weights).
    private protected override void SaveHeader(ModelSaveContext ctx) => Settings.Write(ctx);

    private protected override bool SavesHistory => false;

    // Factory method for SignatureLoadModel.
    private static VaeSamplerTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        ctx.CheckAtModel(GetVersionInfo());
        var settings = VaeSamplerSettings.Read(ctx);
        return LoadNetwork(ctx, withHistory: false, nameof(VaeSamplerTransformer), "VaeSampler",
            (network, scoringBatchSize) => new VaeSamplerTransformer(network, settings, scoringBatchSize),
            description =>
            {
                if (description.Kind != AutoencoderKind.Variational)
                    throw new FormatException($"Model file describes a {description.Kind} network; a VaeSampler holds a Variational one.");
            });
    }
}
