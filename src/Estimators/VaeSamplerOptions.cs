namespace MLNetAutoencoders;

/// <summary>
/// Options of <see cref="VaeSamplerEstimator"/>: how to sample, and either the VAE to train (<see cref="Vae"/>) or a fitted one
/// to wrap (<see cref="Pretrained"/>).
/// </summary>
public sealed class VaeSamplerOptions
{
    /// <summary>
    /// The column the sampler reads: the rows to vary in <see cref="VaeSamplingMode.Posterior"/> mode, the latent vectors in
    /// <see cref="VaeSamplingMode.Decode"/> mode; <see cref="VaeSamplingMode.Prior"/> mode reads none. Null takes the VAE's
    /// input column in Prior and Posterior mode and its embedding column in Decode mode.
    /// </summary>
    public string? InputColumnName;

    /// <summary>The sample column: a vector of Single of the VAE's input size.</summary>
    public string OutputColumnName = "Sample";

    /// <summary>Where the decoded latent vector comes from.</summary>
    public VaeSamplingMode Mode = VaeSamplingMode.Prior;

    /// <summary>
    /// What the sample is: the decoder mean, or a draw from p(x|z). A draw must match the VAE's likelihood: a Gaussian draw
    /// (variance 0.5 per feature) for <see cref="VaeLikelihood.Gaussian"/>, a Bernoulli draw for <see cref="VaeLikelihood.Bernoulli"/>.
    /// </summary>
    public VaeDecoderOutput Output = VaeDecoderOutput.Mean;

    /// <summary>
    /// Scale of the latent noise, ≥ 0: z = temperature * eps from the prior, z = mu + temperature * sigma * eps from the posterior.
    /// 1 samples the model as trained; below 1 gives more typical samples; 0 decodes the prior or posterior mean.
    /// </summary>
    public float Temperature = 1f;

    /// <summary>Seed of the sampler's draws; null takes one from the MLContext's seed. Independent of <c>Vae.Seed</c>.</summary>
    public int? Seed;

    /// <summary>Rows per network call when sampling through a cursor.</summary>
    public int ScoringBatchSize = AutoencoderOptions.Defaults.ScoringBatchSize;

    /// <summary>
    /// The VAE to train when <see cref="Pretrained"/> is null: every option of the embedding estimator, trained on
    /// <c>Vae.InputColumnName</c>. <c>Kind</c> must be <see cref="AutoencoderKind.Variational"/>. Its <c>OutputColumnName</c>
    /// names the latent column Decode mode reads by default; the VAE's own output columns are not produced.
    /// </summary>
    public AutoencoderOptions Vae = new() { Kind = AutoencoderKind.Variational };

    /// <summary>
    /// A fitted variational <see cref="AutoencoderEmbeddingTransformer"/> to sample from instead of training one. Its weights are
    /// copied at fit time, so it can be disposed afterwards. Set <c>Vae.Likelihood</c> to the likelihood it was trained with
    /// when <see cref="Output"/> is a draw.
    /// </summary>
    public AutoencoderEmbeddingTransformer? Pretrained;

    internal VaeSamplerOptions Clone()
    {
        var copy = (VaeSamplerOptions)MemberwiseClone();
        copy.Vae = Vae?.Clone()!; // null is rejected by the validation of the copy
        return copy;
    }
}
