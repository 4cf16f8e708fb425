using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;

namespace MLNetAutoencoders.Tests.Onnx;

/// <summary>What the detector export tests train and score: small manifold tables where both labels occur.</summary>
internal static class DetectorExportData
{
    /// <summary>Training rows on the manifold.</summary>
    public static float[][] Training(int rows) => SyntheticData.Manifold(rows);

    /// <summary>New manifold rows, then manifold rows scaled 3x (off it): both labels occur.</summary>
    public static float[][] Scoring(int onManifold, int offManifold) =>
        SyntheticData.Manifold(onManifold, seed: 1).Concat(SyntheticData.Manifold(offManifold, seed: 2).Select(r => r.Select(v => 3 * v).ToArray())).ToArray();

    /// <summary>The default detector (contamination 0.1) trained for <paramref name="epochs"/> epochs, then <paramref name="configure"/>.</summary>
    public static AutoencoderAnomalyOptions Options(int epochs, Action<AutoencoderAnomalyOptions>? configure = null)
    {
        var options = new AutoencoderAnomalyOptions { Contamination = 0.1f };
        options.Autoencoder.NumberOfEpochs = epochs;
        configure?.Invoke(options);
        return options;
    }
}
