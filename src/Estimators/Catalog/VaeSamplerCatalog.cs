using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders;

/// <summary>Entry points on ML.NET's catalogs: <c>mlContext.Transforms.VaeSampler(...)</c>.</summary>
public static class VaeSamplerCatalog
{
    /// <summary>
    /// Trains a variational autoencoder on <paramref name="inputColumnName"/> (a known-size vector of Single) and adds the
    /// sample column <paramref name="outputColumnName"/>: decoder means of z drawn from the prior or, in Posterior mode,
    /// from each row's posterior.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The sample column.</param>
    /// <param name="inputColumnName">The column the VAE is trained on (and that Posterior mode encodes).</param>
    /// <param name="mode">Prior or Posterior (Decode mode reads the latent column 'Embedding'; see the options overload).</param>
    /// <param name="latentDimension">Size of the VAE's latent space.</param>
    /// <param name="temperature">Scale of the latent noise, ≥ 0.</param>
    /// <param name="seed">Seed of the sampler's draws; null takes one from the MLContext's seed.</param>
    public static VaeSamplerEstimator VaeSampler(this TransformsCatalog catalog, string outputColumnName = "Sample",
        string inputColumnName = "Features", VaeSamplingMode mode = VaeSamplingMode.Prior, int latentDimension = AutoencoderOptions.Defaults.LatentDimension,
        float temperature = 1f, int? seed = null)
        => VaeSampler(catalog, new VaeSamplerOptions
        {
            OutputColumnName = outputColumnName,
            Mode = mode,
            Temperature = temperature,
            Seed = seed,
            Vae = new AutoencoderOptions { Kind = AutoencoderKind.Variational, InputColumnName = inputColumnName, LatentDimension = latentDimension },
        });

    /// <summary>
    /// Samples from <paramref name="vae"/>, a fitted variational autoencoder, without retraining (its weights are copied
    /// when the estimator is fitted).
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="vae">A fitted <see cref="AutoencoderKind.Variational"/> autoencoder.</param>
    /// <param name="mode">Where z comes from.</param>
    /// <param name="outputColumnName">The sample column.</param>
    /// <param name="inputColumnName">The column read; null takes the VAE's input column, or its embedding column in Decode mode.</param>
    /// <param name="temperature">Scale of the latent noise, ≥ 0.</param>
    /// <param name="seed">Seed of the sampler's draws; null takes one from the MLContext's seed.</param>
    public static VaeSamplerEstimator VaeSampler(this TransformsCatalog catalog, AutoencoderEmbeddingTransformer vae,
        VaeSamplingMode mode = VaeSamplingMode.Prior, string outputColumnName = "Sample", string? inputColumnName = null,
        float temperature = 1f, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(vae);
        return VaeSampler(catalog, new VaeSamplerOptions
        {
            Pretrained = vae,
            Mode = mode,
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            Temperature = temperature,
            Seed = seed,
        });
    }

    /// <summary>Trains or wraps a VAE and samples from it, with every option spelled out.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">Sampling options and the VAE to train or wrap.</param>
    public static VaeSamplerEstimator VaeSampler(this TransformsCatalog catalog, VaeSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new VaeSamplerEstimator(catalog.GetEnvironment(), options);
    }
}
