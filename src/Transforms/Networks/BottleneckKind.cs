namespace MLNetAutoencoders.Networks;

/// <summary>How the encoder's last layer becomes the code.</summary>
public enum BottleneckKind
{
    /// <summary>The code is the latent activation of the encoder output.</summary>
    Identity = 0,
    /// <summary>Linear code of which only the k largest units are kept (k-sparse).</summary>
    TopK = 1,
    /// <summary>The encoder outputs the mean and log-variance of a diagonal Gaussian (VAE).</summary>
    Gaussian = 2,
}
