using MLNetAutoencoders.Training;
using Xunit;
using MLNetAutoencoders.Networks;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Embedding;

public abstract partial class VariantClaims
{
    [Theory]
    [InlineData(1f, 3)]
    [InlineData(2f, 6)]
    public void KSparseCodesKeepExactlyAlphaTimesKUnits(float alpha, int expectedNonZeros)
    {
        var options = Options(AutoencoderKind.KSparse, latent: 12);
        options.KSparseK = 3;
        options.KSparseScoringAlpha = alpha;
        using var model = Fit(options);

        var codes = Score(model, Test, "Embedding");
        Assert.All(codes, code => Assert.Equal(expectedNonZeros, code.Count(v => v != 0)));
        Assert.Equal(expectedNonZeros, model.Architecture.ScoringTopK);
    }

    // Training through the top-k bottleneck (Makhzani & Frey 2013) makes the k kept units carry the input. The
    // control is the same network trained dense, with the same seed, and cut to its k largest units only when
    // scoring: it reconstructs far worse from k units.
    [Fact]
    public void KSparseTrainingReconstructsFromKUnitsFarBetterThanADenseCodeCutToKAtScoring()
    {
        const int k = 3;
        var options = Options(AutoencoderKind.KSparse, latent: 12);
        options.KSparseK = k;
        using var kSparse = Fit(options);
        using var dense = Fit(Options(AutoencoderKind.Undercomplete, latent: 12));

        var kSparseError = ReconstructionError(kSparse, Test);
        float[][] cut;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var network = dense.Module;
            cut = AsRows(network.Decode(AutoencoderNetwork.KeepTopK(network.EncoderOutput(AsTensor(Test)), k)));
        }
        var cutError = Infrastructure.SyntheticData.MeanSquaredError(cut, Test);
        Report($"MSE from {k} units: k-sparse {kSparseError} vs dense cut at scoring {cutError}");
        Assert.True(kSparseError < 0.5 * cutError, $"MSE from {k} units: k-sparse {kSparseError} vs dense cut at scoring {cutError}");
    }
}
