namespace MLNetAutoencoders;

/// <summary>The likelihood p(x|z) of a variational autoencoder.</summary>
public enum VaeLikelihood
{
    /// <summary>Gaussian with fixed variance: the reconstruction term is the per-row sum of squared errors.</summary>
    Gaussian = 0,
    /// <summary>Bernoulli: the reconstruction term is the per-row summed binary cross-entropy; needs inputs in [0, 1] and a sigmoid output.</summary>
    Bernoulli = 1,
}
