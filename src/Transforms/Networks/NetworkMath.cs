using MLNetAutoencoders.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Networks;

/// <summary>
/// The forward math that training, the loss terms and every scorer share, written once: the per-row reconstruction
/// error, the reparameterised Gaussian sample, the Gaussian KL divergence to N(0, I), the probability interval of the
/// cross-entropies and the element-wise negative log-likelihoods of the two VAE likelihoods. Its numbers are the
/// process-lived Scalars of <see cref="TensorArithmetic"/>.
/// </summary>
internal static class NetworkMath
{
    /// <summary>Lower end of the interval probabilities are clamped to before a logarithm.</summary>
    public static readonly Scalar ProbabilityLow = 1e-6.ToScalar();

    /// <summary>Upper end of the interval probabilities are clamped to before a logarithm.</summary>
    public static readonly Scalar ProbabilityHigh = (1 - 1e-6).ToScalar();

    /// <summary>The mean squared difference per row: the mean over every dimension but the first.</summary>
    public static Tensor RowMeanSquaredError(Tensor reconstruction, Tensor target)
    {
        var dimensions = Enumerable.Range(1, (int)reconstruction.dim() - 1).Select(d => (long)d).ToArray();
        return reconstruction.Minus(target).Squared().mean(dimensions);
    }

    /// <summary>z = mu + exp(logvar / 2) * eps: a Gaussian sample that gradients flow through (Kingma &amp; Welling 2014).</summary>
    public static Tensor Reparameterise(Tensor mean, Tensor logVariance, Tensor standardNormal) =>
        mean.Plus(logVariance.mul(TensorArithmetic.Half).exp() * standardNormal);

    /// <summary>KL(N(mu, diag exp(logvar)) || N(0, I)) per row: -1/2 sum_j (1 + logvar_j - mu_j² - exp(logvar_j)).</summary>
    public static Tensor GaussianKL(Tensor mean, Tensor logVariance) =>
        logVariance.Plus(TensorArithmetic.One).MinusInPlace(mean.Squared()).MinusInPlace(logVariance.exp()).sum(1).mul_(TensorArithmetic.MinusHalf);

    /// <summary>Probabilities clamped to [1e-6, 1 - 1e-6], so the logarithms of a cross-entropy stay finite.</summary>
    public static Tensor ClampProbabilities(Tensor probabilities) => probabilities.clamp(ProbabilityLow, ProbabilityHigh);

    /// <summary>
    /// The element-wise negative log-likelihood of <paramref name="target"/> under p(x|z) with mean <paramref name="reconstruction"/>:
    /// the binary cross-entropy for a Bernoulli likelihood, the squared error for the Gaussian one (fixed variance 1/2, up to a constant).
    /// </summary>
    public static Tensor NegativeLogLikelihood(Tensor reconstruction, Tensor target, bool bernoulli) => bernoulli
        ? nn.functional.binary_cross_entropy(ClampProbabilities(reconstruction), target, reduction: nn.Reduction.None)
        : reconstruction.Minus(target).Squared();
}
