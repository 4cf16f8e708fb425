namespace MLNetAutoencoders;

/// <summary>How the denoising autoencoder corrupts its inputs during training.</summary>
public enum CorruptionKind
{
    /// <summary>Adds N(0, level²) noise to every feature.</summary>
    Gaussian = 0,
    /// <summary>Sets a fraction <c>level</c> of the features to zero.</summary>
    Masking = 1,
    /// <summary>Sets a fraction <c>level</c> of the features to the feature-wise minimum or maximum of the training data, at random.</summary>
    SaltAndPepper = 2,
}
