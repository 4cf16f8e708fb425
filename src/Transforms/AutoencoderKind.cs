namespace MLNetAutoencoders;

/// <summary>The autoencoder variants. A variant is a bottleneck plus training terms; the network shape is shared.</summary>
public enum AutoencoderKind
{
    /// <summary>Plain undercomplete autoencoder: the bottleneck is narrower than the input.</summary>
    Undercomplete = 0,
    /// <summary>Denoising autoencoder (Vincent et al. 2008): reconstructs clean inputs from corrupted ones.</summary>
    Denoising = 1,
    /// <summary>Sparse autoencoder: an L1 activity penalty and/or a KL sparsity penalty toward a target activation rho (Ng 2011).</summary>
    Sparse = 2,
    /// <summary>k-sparse autoencoder (Makhzani &amp; Frey 2013): a linear bottleneck that keeps only the k largest units.</summary>
    KSparse = 3,
    /// <summary>Contractive autoencoder (Rifai et al. 2011): penalises the squared Frobenius norm of the encoder's Jacobian.</summary>
    Contractive = 4,
    /// <summary>Variational autoencoder (Kingma &amp; Welling 2014): a reparameterised Gaussian posterior with a KL term to N(0, I).</summary>
    Variational = 5,
}
