namespace MLNetAutoencoders;

/// <summary>What a <see cref="VaeSamplerTransformer"/> writes for the decoded z.</summary>
public enum VaeDecoderOutput
{
    /// <summary>The decoder's output, the mean of p(x|z): smooth, noise-free samples.</summary>
    Mean = 0,
    /// <summary>
    /// A draw from the Gaussian p(x|z) = N(mean, 0.5 I): the VAE's Gaussian likelihood is trained with the summed squared
    /// error, which is the negative log-likelihood of a fixed variance of 0.5 per feature (up to a constant).
    /// </summary>
    GaussianDraw = 1,
    /// <summary>A draw from the Bernoulli p(x|z) of the decoder's output: 0 or 1 per feature. Needs a sigmoid output.</summary>
    BernoulliDraw = 2,
}
