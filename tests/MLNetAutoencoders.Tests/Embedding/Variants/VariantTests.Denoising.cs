using MLNetAutoencoders.Training;
using Xunit;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Embedding;

public partial class VariantTests
{
    // Vincent et al. (2008): trained to map corrupted inputs to clean ones, the denoising autoencoder cleans the
    // corruption it was trained on. The control is the undercomplete autoencoder of the same size and seed, trained
    // on clean inputs; both are given the same corrupted test rows and scored against the clean ones.
    [Theory]
    [InlineData(CorruptionKind.Gaussian, 0.3f)]
    [InlineData(CorruptionKind.Masking, 0.25f)]
    [InlineData(CorruptionKind.SaltAndPepper, 0.2f)]
    public void DenoisingReconstructsCorruptedInputsBetterThanTheUndercomplete(CorruptionKind kind, float level)
    {
        var denoising = Options(AutoencoderKind.Denoising, latent: 12);
        denoising.Corruption = kind;
        denoising.CorruptionLevel = level;
        using var denoisingModel = Fit(denoising);
        using var plainModel = Fit(Options(AutoencoderKind.Undercomplete, latent: 12));

        var corrupted = Corrupt(Test, kind, level);
        var denoised = ReconstructionError(denoisingModel, corrupted, Test);
        var plain = ReconstructionError(plainModel, corrupted, Test);
        Report($"{kind} {level}: MSE to the clean input, denoising {denoised} vs undercomplete {plain}");
        Assert.True(denoised < 0.8 * plain, $"{kind} {level}: MSE to the clean input, denoising {denoised} vs undercomplete {plain}");
    }

    /// <summary>Test rows corrupted as training corrupts them, with the training rows' feature ranges; the noise is seeded apart from training's.</summary>
    private static float[][] Corrupt(float[][] rows, CorruptionKind kind, float level)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(77);
        var train = AsTensor(Train);
        var corruption = new Corruption(kind, level, train.amin(new long[] { 0 }, keepdim: true), train.amax(new long[] { 0 }, keepdim: true), generator);
        return AsRows(corruption.Apply(AsTensor(rows)));
    }

    [Fact]
    public void GaussianCorruptionAddsZeroMeanNoiseWithTheLevelAsStandardDeviation()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var clean = full(new long[] { 200, 50 }, 0.5f);
        var corruption = new Corruption(CorruptionKind.Gaussian, 0.25f, zeros(1, 50), ones(1, 50), generator);

        var noise = corruption.Apply(clean) - clean;
        Assert.InRange(noise.mean().item<float>(), -0.01f, 0.01f);
        Assert.InRange(noise.std().item<float>(), 0.24f, 0.26f);
        Assert.InRange((noise != 0).to_type(ScalarType.Float32).mean().item<float>(), 0.999f, 1f);
    }

    [Fact]
    public void MaskingCorruptionZeroesTheLevelsFractionOfFeatures()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var clean = full(new long[] { 200, 50 }, 0.5f);
        var corruption = new Corruption(CorruptionKind.Masking, 0.25f, zeros(1, 50), ones(1, 50), generator);

        var corrupted = corruption.Apply(clean);
        Assert.InRange((corrupted == 0).to_type(ScalarType.Float32).mean().item<float>(), 0.22f, 0.28f);
        Assert.Equal(0, ((corrupted != 0) & (corrupted != clean)).sum().item<long>());
    }

    // Each corrupted value is its feature's training minimum or maximum, at random: about half each.
    [Fact]
    public void SaltAndPepperCorruptionSetsTheLevelsFractionToTheFeatureMaximumOrMinimumHalfEach()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var clean = full(new long[] { 200, 50 }, 0.5f);
        var featureMin = -1 - arange(50, ScalarType.Float32).unsqueeze(0) / 50;
        var featureMax = 2 + arange(50, ScalarType.Float32).unsqueeze(0) / 50;
        var corruption = new Corruption(CorruptionKind.SaltAndPepper, 0.25f, featureMin, featureMax, generator);

        var corrupted = corruption.Apply(clean);
        var atMax = (corrupted == featureMax.expand_as(clean)).to_type(ScalarType.Float32).mean().item<float>();
        var atMin = (corrupted == featureMin.expand_as(clean)).to_type(ScalarType.Float32).mean().item<float>();
        var unchanged = (corrupted == clean).to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(atMax + atMin, 0.22f, 0.28f);
        Assert.Equal(1f, atMax + atMin + unchanged, 5);
        Assert.InRange(atMax / (atMax + atMin), 0.45f, 0.55f);
    }
}
