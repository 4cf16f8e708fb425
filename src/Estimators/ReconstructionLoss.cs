namespace MLNetAutoencoders;

/// <summary>The reconstruction loss of non-variational autoencoders.</summary>
public enum ReconstructionLoss
{
    /// <summary>Mean squared error.</summary>
    MeanSquaredError = 0,
    /// <summary>Binary cross-entropy; needs inputs in [0, 1] and a sigmoid output activation.</summary>
    BinaryCrossEntropy = 1,
}
