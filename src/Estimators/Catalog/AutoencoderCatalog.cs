using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders;

/// <summary>Entry points on ML.NET's catalogs: <c>mlContext.Transforms.Autoencoder(...)</c>.</summary>
public static class AutoencoderCatalog
{
    /// <summary>
    /// Trains an autoencoder on <paramref name="inputColumnName"/> (a known-size vector of Single) and adds the
    /// embedding column <paramref name="outputColumnName"/>, plus <c>Reconstruction</c> and <c>ReconstructionError</c>.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The embedding column.</param>
    /// <param name="inputColumnName">The input column.</param>
    /// <param name="latentDimension">Size of the embedding.</param>
    /// <param name="kind">The autoencoder variant.</param>
    public static AutoencoderEstimator Autoencoder(this TransformsCatalog catalog, string outputColumnName = "Embedding",
        string inputColumnName = "Features", int latentDimension = AutoencoderOptions.Defaults.LatentDimension, AutoencoderKind kind = AutoencoderKind.Undercomplete)
        => Autoencoder(catalog, new AutoencoderOptions
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            LatentDimension = latentDimension,
            Kind = kind,
        });

    /// <summary>Trains an autoencoder with every option spelled out.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">Columns, architecture, variant settings and training options.</param>
    public static AutoencoderEstimator Autoencoder(this TransformsCatalog catalog, AutoencoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new AutoencoderEstimator(catalog.GetEnvironment(), options);
    }
}
