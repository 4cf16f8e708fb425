using MLNetAutoencoders.Validation;

namespace MLNetAutoencoders;

/// <summary>Checks the sampler's options at the public boundary, before any data is read.</summary>
internal static class VaeSamplerOptionsValidation
{
    public static void Validate(VaeSamplerOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.InputColumnName is not null)
            OptionChecks.RequireName(o.InputColumnName, nameof(o.InputColumnName), "or null for the VAE's own column");
        VaeSamplingValidation.Validate(o.OutputColumnName, o.Mode, o.Output, o.Temperature);
        OptionChecks.RequirePositive(o.ScoringBatchSize, nameof(o.ScoringBatchSize));
        if (o.Vae is null)
            throw new ArgumentNullException(nameof(o.Vae), "Vae must not be null: it holds the VAE's training options and likelihood.");
        if (o.Pretrained is not null)
        {
            if (o.Pretrained.Kind != AutoencoderKind.Variational)
                throw new ArgumentException(
                    $"Pretrained is a {o.Pretrained.Kind} autoencoder; a VaeSampler needs a Variational one (trained with Kind = AutoencoderKind.Variational).",
                    nameof(o.Pretrained));
        }
        else
        {
            if (o.Vae.Kind != AutoencoderKind.Variational)
                throw new ArgumentException($"Vae.Kind must be Variational to train a VaeSampler; got {o.Vae.Kind}.", nameof(o.Vae));
            AutoencoderOptionsValidation.Validate(o.Vae);
        }
        var drawLikelihood = o.Output switch
        {
            VaeDecoderOutput.GaussianDraw => VaeLikelihood.Gaussian,
            VaeDecoderOutput.BernoulliDraw => VaeLikelihood.Bernoulli,
            _ => o.Vae.Likelihood,
        };
        if (drawLikelihood != o.Vae.Likelihood)
            throw new ArgumentException(
                $"Output {o.Output} draws from a {drawLikelihood} p(x|z) but Vae.Likelihood is {o.Vae.Likelihood}: a draw must use the likelihood the VAE was trained with.",
                nameof(o.Output));
        VaeSamplingValidation.RequireDrawable(o.Output, o.Pretrained?.Architecture.OutputActivation ?? o.Vae.OutputActivation, nameof(o.Output));
    }
}
