using Microsoft.ML;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;

namespace MLNetAutoencoders.Tests.Anomaly;

/// <summary>
/// Normal rows on a noisy circle of radius 1, anomalies planted inside it (radius at most 0.5): off the manifold
/// but inside its linear span, so a linear detector reconstructs them better than the normal rows.
/// </summary>
public static class PlantedOutliers
{
    /// <summary>Label of a normal row in <see cref="Circle"/>.</summary>
    public const float Normal = 0f;

    /// <summary>Label of a planted anomaly in <see cref="Circle"/>.</summary>
    public const float Anomaly = 1f;

    /// <summary><paramref name="normal"/> rows on the circle, then <paramref name="anomalies"/> rows inside it, with their labels.</summary>
    public static (float[][] Rows, float[] Labels) Circle(int normal, int anomalies, int seed)
    {
        var random = new Random(seed);
        float[] Point(double radius)
        {
            var angle = random.NextDouble() * 2 * Math.PI;
            return [(float)(radius * Math.Cos(angle)), (float)(radius * Math.Sin(angle))];
        }
        var rows = Enumerable.Range(0, normal).Select(_ => Point(1 + 0.05 * Gaussian(random)))
            .Concat(Enumerable.Range(0, anomalies).Select(_ => Point(0.5 * Math.Sqrt(random.NextDouble()))))
            .ToArray();
        var labels = Enumerable.Repeat(Normal, normal).Concat(Enumerable.Repeat(Anomaly, anomalies)).ToArray();
        return (rows, labels);
    }

    /// <summary>A data view of <see cref="Circle"/>: "Features" (Vector&lt;Single, 2&gt;) and a Single "Label", 1 for anomalies.</summary>
    public static IDataView CircleView(this MLContext ml, int normal, int anomalies, int seed)
    {
        var (rows, labels) = Circle(normal, anomalies, seed);
        return ml.ToDataView(rows, labels);
    }

    /// <summary>A detector small enough for the circle: a one-unit code, so the circle is all it can reconstruct.</summary>
    public static AutoencoderAnomalyOptions CircleDetector(int epochs = 60, AutoencoderKind kind = AutoencoderKind.Undercomplete)
    {
        var options = new AutoencoderAnomalyOptions();
        options.Autoencoder.Kind = kind;
        options.Autoencoder.HiddenLayerSizes = [32, 32];
        options.Autoencoder.LatentDimension = 1;
        options.Autoencoder.HiddenActivation = Activation.Tanh;
        options.Autoencoder.NumberOfEpochs = epochs;
        options.Autoencoder.BatchSize = 64;
        options.Autoencoder.LearningRate = 1e-2;
        options.Autoencoder.Seed = 1;
        return options;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
