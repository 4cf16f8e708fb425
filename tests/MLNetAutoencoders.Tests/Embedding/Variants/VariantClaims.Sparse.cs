using Xunit;

namespace MLNetAutoencoders.Tests.Embedding;

public abstract partial class VariantClaims
{
    // The KL sparsity penalty's claim (Ng, "Sparse autoencoder" notes) is about the mean activation of each sigmoid
    // unit, a bounded quantity the decoder cannot rescale: the mean is pulled to rho while reconstruction stays
    // within 1.5x of the unregularised model's (same seed). An overcomplete code (32 units for a 2-D manifold) is
    // the setting sparsity is for; the weight (per network, in the subclass) is the largest that keeps that bound.
    [Fact]
    public void SparseKLPenaltyPullsTheMeanActivationToRhoAndKeepsTheReconstruction()
    {
        var sparse = Options(AutoencoderKind.Sparse, latent: 32);
        sparse.SparsityTarget = 0.05f;
        sparse.SparsityKLWeight = SparsityKLWeight;
        var unregularised = Options(AutoencoderKind.Sparse, latent: 32);
        unregularised.SparsityKLWeight = 0;
        using var sparseModel = Fit(sparse);
        using var plainModel = Fit(unregularised);

        var sparseMean = Score(sparseModel, Test, "Embedding").SelectMany(c => c).Average();
        var plainMean = Score(plainModel, Test, "Embedding").SelectMany(c => c).Average();
        var sparseError = ReconstructionError(sparseModel, Test);
        var plainError = ReconstructionError(plainModel, Test);
        Report($"mean activation {sparseMean} vs {plainMean} unregularised; MSE {sparseError} vs {plainError}");
        Assert.InRange(sparseMean, 0.02, 0.09);
        Assert.True(plainMean > 0.2, $"without the KL penalty the sigmoid code averages {plainMean}");
        Assert.True(sparseError < 1.5 * plainError, $"MSE {sparseError} vs {plainError} without the penalty");
    }

    // An L1 penalty on a linear-then-ReLU code can be met by shrinking the code while the decoder scales up; the
    // fraction of exact zeros cannot: a ReLU unit is exactly zero or not, whatever the scale. Nor can Hoyer's
    // sparsity (sqrt(n) - L1/L2) / (sqrt(n) - 1) of each code, 0 for a flat code and 1 for a single unit.
    // Reconstruction must stay within 1.5x of the unpenalised model's (same seed), which bounds the weight.
    [Fact]
    public void SparseL1PenaltyMakesMoreCodeValuesExactlyZeroAndKeepsTheReconstruction()
    {
        var l1 = Options(AutoencoderKind.Sparse, latent: 32);
        l1.SparsityKLWeight = 0;
        l1.SparsityL1Weight = SparsityL1Weight;
        l1.LatentActivation = Activation.Relu;
        var plain = Options(AutoencoderKind.Sparse, latent: 32);
        plain.SparsityKLWeight = 0;
        plain.LatentActivation = Activation.Relu;
        using var l1Model = Fit(l1);
        using var plainModel = Fit(plain);

        double Zeros(AutoencoderEmbeddingTransformer m) => Score(m, Test, "Embedding").SelectMany(c => c).Average(v => v == 0 ? 1.0 : 0.0);
        double Hoyer(AutoencoderEmbeddingTransformer m) => Score(m, Test, "Embedding").Average(c =>
        {
            var l2 = Math.Sqrt(c.Sum(v => (double)v * v));
            return l2 == 0 ? 1 : (Math.Sqrt(c.Length) - c.Sum(v => Math.Abs((double)v)) / l2) / (Math.Sqrt(c.Length) - 1);
        });
        var l1Error = ReconstructionError(l1Model, Test);
        var plainError = ReconstructionError(plainModel, Test);
        Report($"zeros {Zeros(l1Model)} vs {Zeros(plainModel)}; Hoyer {Hoyer(l1Model)} vs {Hoyer(plainModel)}; MSE {l1Error} vs {plainError}");
        Assert.True(Zeros(l1Model) > Zeros(plainModel) + 0.1, $"fraction of exact zeros {Zeros(l1Model)} vs {Zeros(plainModel)} without the penalty");
        Assert.True(Hoyer(l1Model) > Hoyer(plainModel) + 0.1, $"Hoyer sparsity {Hoyer(l1Model)} vs {Hoyer(plainModel)} without the penalty");
        Assert.True(l1Error < 1.5 * plainError, $"MSE {l1Error} vs {plainError} without the penalty");
    }
}
