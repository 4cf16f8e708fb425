namespace MLNetAutoencoders;

/// <summary>Where a <see cref="VaeSamplerTransformer"/> draws the latent vector z it decodes.</summary>
public enum VaeSamplingMode
{
    /// <summary>z ~ N(0, temperature² I), the prior. The input row is not read: only its position drives the noise.</summary>
    Prior = 0,
    /// <summary>z ~ N(mu(x), temperature² sigma²(x)), the posterior q(z|x) of the row: a variation of that row.</summary>
    Posterior = 1,
    /// <summary>The input column holds a latent vector (of the VAE's latent size), which is decoded as it is.</summary>
    Decode = 2,
}
