using MLNetAutoencoders.Training;
using Xunit;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Embedding;

public abstract partial class VariantClaims
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
    private float[][] Corrupt(float[][] rows, CorruptionKind kind, float level)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(77);
        var train = AsTensor(Train);
        var corruption = new Corruption(kind, level, train.amin(new long[] { 0 }, keepdim: true), train.amax(new long[] { 0 }, keepdim: true), generator);
        return AsRows(corruption.Apply(AsTensor(rows)));
    }
}
