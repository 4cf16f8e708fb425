namespace MLNetAutoencoders.Anomaly;

/// <summary>What the anomaly score of a variational autoencoder measures.</summary>
public enum VaeAnomalyScore
{
    /// <summary>
    /// Expected reconstruction error: the mean squared error between the input and the decoding of
    /// z ~ q(z|x), averaged over the features and over L posterior samples (An &amp; Cho 2015 use the same
    /// Monte-Carlo estimate of the reconstruction probability).
    /// </summary>
    ExpectedReconstructionError = 0,

    /// <summary>
    /// The negative evidence lower bound, -ELBO(x) = E_q[-log p(x|z)] + KL(q(z|x) || N(0, I)): the
    /// likelihood term (the VAE's training reconstruction term, summed over the features) estimated with L
    /// posterior samples, plus the closed-form KL divergence. An upper bound on -log p(x).
    /// </summary>
    NegativeElbo = 1,
}
