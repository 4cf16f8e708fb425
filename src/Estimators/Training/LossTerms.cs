using MLNetAutoencoders.Networks;
using TorchSharp;
using MLNetAutoencoders.Native;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Training;

// Every number that meets a tensor here is an explicit Scalar held alive (`using var`) until the native call that
// reads it has returned: TorchSharp 0.107's implicit float-to-Scalar conversions can be finalized by a garbage
// collection that another thread triggers while libtorch still reads them (see GradientDescent). The operators
// called are the same as with implicit conversions, so the arithmetic is unchanged.

/// <summary>Reconstruction loss of non-variational kinds: mean squared error or binary cross-entropy, averaged over every value.</summary>
internal sealed class MeanReconstructionLoss(ReconstructionLoss loss) : ILossTerm
{
    public string Name => "reconstruction";

    public Tensor Compute(TrainingBatch b)
    {
        if (loss != ReconstructionLoss.BinaryCrossEntropy)
            return nn.functional.mse_loss(b.Reconstruction, b.Clean);
        return nn.functional.binary_cross_entropy(NetworkMath.ClampProbabilities(b.Reconstruction), b.Clean);
    }
}

/// <summary>The VAE's negative log-likelihood: summed over features, averaged over rows.</summary>
internal sealed class SummedLikelihoodLoss(VaeLikelihood likelihood) : ILossTerm
{
    public string Name => "reconstruction";

    public Tensor Compute(TrainingBatch b)
    {
        using var rows = b.Clean.shape[0].ToScalar();
        return NetworkMath.NegativeLogLikelihood(b.Reconstruction, b.Clean, likelihood == VaeLikelihood.Bernoulli).sum() / rows;
    }
}

/// <summary>Sparse: weight * mean over rows of the L1 norm of the code.</summary>
internal sealed class L1ActivityPenalty(float weight) : ILossTerm
{
    public string Name => "l1";

    public Tensor Compute(TrainingBatch b)
    {
        using var w = weight.ToScalar();
        return b.Code.abs().sum(1).mean() * w;
    }
}

/// <summary>Sparse: beta * sum over code units of KL(rho || rho_hat_j), rho_hat_j the unit's mean activation over the batch.</summary>
internal sealed class KLSparsityPenalty(float target, float weight) : ILossTerm
{
    public string Name => "kl-sparsity";

    public Tensor Compute(TrainingBatch b)
    {
        using var rho = target.ToScalar();
        using var oneMinusRho = (1 - target).ToScalar();
        using var one = 1.ToScalar();
        using var w = weight.ToScalar();
        var rhoHat = NetworkMath.ClampProbabilities(b.Code.mean(new long[] { 0 }));
        var kl = (rho * (rho / rhoHat).log()).Plus(oneMinusRho * (oneMinusRho / rhoHat.neg().PlusInPlace(one)).log());
        return kl.sum() * w;
    }
}

/// <summary>
/// Contractive: lambda * ||J||_F², J the Jacobian of the code with respect to the input, per row and averaged
/// over rows. Estimated without bias by E_v ||vᵀJ||², v ~ N(0, I) in code space, with one double-backward pass
/// per projection.
/// </summary>
internal sealed class ContractivePenalty(float weight, int projections, Generator generator) : ILossTerm
{
    public string Name => "contractive";

    public Tensor Compute(TrainingBatch b)
    {
        var rows = b.Clean.shape[0];
        Tensor? total = null;
        for (var p = 0; p < projections; p++)
        {
            var v = randn(b.Code.shape, generator: generator);
            var vjp = torch.autograd.grad(new[] { b.Code }, new[] { b.Input }, new[] { v }, retain_graph: true, create_graph: true)[0];
            var term = vjp.Squared().sum();
            total = total is null ? term : total.Plus(term);
        }
        using var scale = (weight / (projections * (float)rows)).ToScalar();
        return total! * scale;
    }
}

/// <summary>Variational: beta(epoch) * KL(q(z|x) || N(0, I)), summed over latent units and averaged over rows; beta warms up linearly.</summary>
internal sealed class GaussianKLDivergence(float beta, int warmupEpochs) : ILossTerm
{
    public string Name => "kl";

    public float WeightAt(int epoch) => warmupEpochs <= 0 ? beta : beta * Math.Min(1f, (epoch + 1) / (float)warmupEpochs);

    public Tensor Compute(TrainingBatch b)
    {
        using var w = WeightAt(b.Epoch).ToScalar();
        return Divergence(b) * w;
    }

    /// <summary>The unweighted KL term, averaged over rows.</summary>
    public static Tensor Divergence(TrainingBatch b) =>
        NetworkMath.GaussianKL(b.Network.Mean(b.EncoderOutput), b.Network.LogVariance(b.EncoderOutput)).mean();
}
