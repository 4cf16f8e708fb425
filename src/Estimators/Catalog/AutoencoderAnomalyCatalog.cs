using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Anomaly;

namespace MLNetAutoencoders;

/// <summary>
/// Entry points on ML.NET's anomaly detection catalog: <c>mlContext.AnomalyDetection.Trainers.Autoencoder(...)</c>
/// and <c>mlContext.AnomalyDetection.ChangeModelThreshold(...)</c> for the detector it trains.
/// </summary>
public static class AutoencoderAnomalyCatalog
{
    /// <summary>
    /// Trains an autoencoder anomaly detector on <paramref name="featureColumnName"/> (a known-size vector of
    /// Single), with a network sized from the table (see <see cref="AutoencoderAnomalyOptions.DefaultAutoencoder"/>). The
    /// output adds <c>Score</c>, the row's reconstruction error plus its distance to the training rows in code space, each
    /// in units of its training spread (higher = more anomalous; see <see cref="AutoencoderAnomalyModelParameters"/>), and
    /// <c>PredictedLabel</c>, true when the score exceeds the threshold: by default the (1 - contamination)
    /// quantile of the training scores. Features are standardized inside the detector.
    /// </summary>
    /// <param name="catalog">The anomaly detection trainers catalog.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="kind">The autoencoder variant.</param>
    /// <param name="contamination">The expected fraction of anomalies in the training rows, in (0, 0.5].</param>
    /// <remarks>
    /// <c>mlContext.AnomalyDetection.Evaluate</c> needs the label column as Single or a two-valued key, not Boolean.
    /// </remarks>
    public static AutoencoderAnomalyTrainer Autoencoder(this AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog,
        string featureColumnName = "Features", AutoencoderKind kind = AutoencoderKind.Undercomplete, float contamination = 0.1f)
    {
        var options = new AutoencoderAnomalyOptions { FeatureColumnName = featureColumnName, Contamination = contamination };
        options.Autoencoder.Kind = kind;
        return Autoencoder(catalog, options);
    }

    /// <summary>Trains an autoencoder anomaly detector with every option spelled out.</summary>
    /// <param name="catalog">The anomaly detection trainers catalog.</param>
    /// <param name="options">The feature column, the autoencoder, standardization, threshold and VAE scoring options.</param>
    public static AutoencoderAnomalyTrainer Autoencoder(this AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog, AutoencoderAnomalyOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new AutoencoderAnomalyTrainer(catalog.GetEnvironment(), options);
    }

    /// <summary>
    /// The detector with another threshold: rows with <c>Score &gt; threshold</c> are predicted anomalous. The same
    /// call as for ML.NET's own detectors; C# picks this overload for an autoencoder detector. The returned
    /// transformer shares the model with <paramref name="model"/>.
    /// </summary>
    /// <param name="catalog">The anomaly detection catalog.</param>
    /// <param name="model">The fitted detector.</param>
    /// <param name="threshold">The new threshold on <c>Score</c>.</param>
    public static AutoencoderAnomalyPredictionTransformer ChangeModelThreshold(this AnomalyDetectionCatalog catalog,
        AutoencoderAnomalyPredictionTransformer model, float threshold)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        return model.WithThreshold(threshold);
    }
}
