using MLNetAutoencoders.Networks;

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
        copy.Vae = Vae.Clone();
        return copy;
    }

    /// <summary>Checks the options at the public boundary, before any data is read.</summary>
    internal void Validate()
    {
        if (InputColumnName is not null && string.IsNullOrWhiteSpace(InputColumnName))
            throw new ArgumentException("InputColumnName must be a non-empty column name, or null for the VAE's own column.", nameof(InputColumnName));
        if (string.IsNullOrWhiteSpace(OutputColumnName))
            throw new ArgumentException("OutputColumnName must be a non-empty column name.", nameof(OutputColumnName));
        if (!Enum.IsDefined(Mode))
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, $"Mode must be a defined VaeSamplingMode; got {Mode}.");
        if (!Enum.IsDefined(Output))
            throw new ArgumentOutOfRangeException(nameof(Output), Output, $"Output must be a defined VaeDecoderOutput; got {Output}.");
        if (!(Temperature >= 0 && Temperature <= VaeSamplerSettings.MaxTemperature))
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, $"Temperature must be in [0, {VaeSamplerSettings.MaxTemperature}]; got {Temperature}.");
        if (ScoringBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(ScoringBatchSize), ScoringBatchSize, $"ScoringBatchSize must be a positive value; got {ScoringBatchSize}.");
        if (Vae is null)
            throw new ArgumentNullException(nameof(Vae), "Vae must not be null: it holds the VAE's training options and likelihood.");
        if (Pretrained is not null)
        {
            if (Pretrained.Kind != AutoencoderKind.Variational)
                throw new ArgumentException(
                    $"Pretrained is a {Pretrained.Kind} autoencoder; a VaeSampler needs a Variational one (trained with Kind = AutoencoderKind.Variational).",
                    nameof(Pretrained));
        }
        else
        {
            if (Vae.Kind != AutoencoderKind.Variational)
                throw new ArgumentException($"Vae.Kind must be Variational to train a VaeSampler; got {Vae.Kind}.", nameof(Vae));
            AutoencoderOptionsValidation.Validate(Vae);
        }
        var drawLikelihood = Output switch
        {
            VaeDecoderOutput.GaussianDraw => VaeLikelihood.Gaussian,
            VaeDecoderOutput.BernoulliDraw => VaeLikelihood.Bernoulli,
            _ => Vae.Likelihood,
        };
        if (drawLikelihood != Vae.Likelihood)
            throw new ArgumentException(
                $"Output {Output} draws from a {drawLikelihood} p(x|z) but Vae.Likelihood is {Vae.Likelihood}: a draw must use the likelihood the VAE was trained with.",
                nameof(Output));
        var outputActivation = Pretrained?.Architecture.OutputActivation ?? Vae.OutputActivation;
        if (Output == VaeDecoderOutput.BernoulliDraw && outputActivation != Activation.Sigmoid)
            throw new ArgumentException($"A Bernoulli draw needs decoder outputs in [0, 1] (OutputActivation = Sigmoid); got {outputActivation}.", nameof(Output));
    }
}
