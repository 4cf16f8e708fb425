using Xunit;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Embedding;

public abstract partial class VariantClaims
{
    // A linear autoencoder can do no better than PCA at the same rank (Baldi & Hornik 1989); the point of the
    // non-linear one is to beat it on a curved manifold. PCA is computed here, from the training rows' covariance.
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void UndercompleteReconstructsTheCurvedManifoldBetterThanPcaAtTheSameRank(int rank)
    {
        using var model = Fit(Options(AutoencoderKind.Undercomplete, latent: rank));

        var autoencoderError = ReconstructionError(model, Test);
        var pcaError = Infrastructure.SyntheticData.MeanSquaredError(PcaReconstruction(Train, Test, rank), Test);
        Report($"rank {rank}: MSE autoencoder {autoencoderError} vs PCA {pcaError}");
        Assert.True(autoencoderError < 0.5 * pcaError, $"rank {rank}: MSE autoencoder {autoencoderError} vs PCA {pcaError}");
    }

    /// <summary>Projects <paramref name="rows"/> on the top-<paramref name="rank"/> principal subspace of <paramref name="fit"/> (centred by its mean).</summary>
    private static float[][] PcaReconstruction(float[][] fit, float[][] rows, int rank)
    {
        using var scope = NewDisposeScope();
        var data = AsTensor(fit).to_type(ScalarType.Float64);
        var mean = data.mean(new long[] { 0 }, keepdim: true);
        var centred = data - mean;
        var covariance = centred.t().matmul(centred) / fit.Length;
        var (_, vectors) = linalg.eigh(covariance); // eigenvalues ascending
        var top = vectors.narrow(1, vectors.shape[1] - rank, rank);
        var x = AsTensor(rows).to_type(ScalarType.Float64) - mean;
        return AsRows((x.matmul(top).matmul(top.t()) + mean).to_type(ScalarType.Float32));
    }
}
