using Microsoft.ML;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Anomaly;

/// <summary>
/// The density term in code space (ScoreCodeDensity, on by default) does what its documentation says: it catches
/// anomalies that lie on the data's manifold where few training rows lie, keeps catching those off the manifold, and
/// the score is reconstruction score / its training IQR + distance to the k-th nearest training code / its training IQR;
/// without the term the score is the reconstruction error of the standardized row, as before.
/// </summary>
public sealed class CodeDensityTests(ITestOutputHelper output)
{
    private readonly MLContext ml = new(seed: 1);

    /// <summary>A default detector with a fixed training seed, so the detectors with and without the term share their network.</summary>
    private AutoencoderAnomalyPredictionTransformer Fit(IDataView train, bool density)
    {
        var options = new AutoencoderAnomalyOptions { ScoreCodeDensity = density };
        options.Autoencoder.Seed = 7;
        return ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(train);
    }

    [Fact]
    public void OnAGappedLineTheDensityTermFindsOnManifoldAnomaliesThatReconstructionAloneMisses()
    {
        var train = ml.View(AnomalyTables.GappedLine(normal: 1000, anomalies: 10, seed: 20)); // 1 % unlabelled contamination
        var test = AnomalyTables.GappedLine(normal: 500, anomalies: 50, seed: 21);

        using var with = Fit(train, density: true);
        using var without = Fit(train, density: false);

        var aucWith = AnomalyTables.RocAuc(with.Transform(ml.View(test)).ScalarColumn("Score"), test.Labels);
        var aucWithout = AnomalyTables.RocAuc(without.Transform(ml.View(test)).ScalarColumn("Score"), test.Labels);
        var evaluated = ml.AnomalyDetection.Evaluate(with.Transform(ml.View(test))).AreaUnderRocCurve;
        output.WriteLine($"anomalies on the line, in the gap: ROC-AUC {aucWith:F3} with the density term, {aucWithout:F3} without");
        Assert.Equal(aucWith, evaluated, 3); // our AUC is ML.NET's
        Assert.True(aucWith > 0.95, $"with the density term: AUC {aucWith:F3}");
        Assert.True(aucWithout < 0.75, $"without the density term: AUC {aucWithout:F3}"); // the data are built so that reconstruction misses them
        Assert.True(aucWith - aucWithout > 0.25, $"with {aucWith:F3}, without {aucWithout:F3}");
    }

    [Fact]
    public void WithTheDensityTermAnomaliesOffTheManifoldAreStillFound()
    {
        var train = ml.View(AnomalyTables.GappedLine(normal: 1000, anomalies: 0, seed: 22));
        var test = AnomalyTables.GappedLine(normal: 500, anomalies: 50, seed: 23, offManifold: true);

        using var with = Fit(train, density: true);
        using var without = Fit(train, density: false);

        var aucWith = AnomalyTables.RocAuc(with.Transform(ml.View(test)).ScalarColumn("Score"), test.Labels);
        var aucWithout = AnomalyTables.RocAuc(without.Transform(ml.View(test)).ScalarColumn("Score"), test.Labels);
        output.WriteLine($"anomalies 1.0 off the line: ROC-AUC {aucWith:F3} with the density term, {aucWithout:F3} without");
        Assert.True(aucWith > 0.95, $"with the density term: AUC {aucWith:F3}");
        Assert.True(aucWith >= aucWithout - 0.02, $"with {aucWith:F3}, without {aucWithout:F3}");
    }

    [Fact]
    public void WithoutTheTermTheScoreIsExactlyTheMeanSquaredReconstructionErrorOfTheStandardizedRow()
    {
        var table = AnomalyTables.GappedLine(normal: 300, anomalies: 10, seed: 24);
        using var detector = Fit(ml.View(table), density: false);

        var scores = detector.Transform(ml.View(table)).ScalarColumn("Score");
        var (reconstruction, _) = Parts(detector.Model, table.Rows);

        Assert.False(detector.Model.ScoresCodeDensity);
        Assert.Equal(0, detector.Model.CodeDensityNeighbours);
        Assert.Equal(0, detector.Model.CodeDensityReferenceRows);
        for (var i = 0; i < scores.Length; i++)
            Assert.Equal(reconstruction[i], scores[i], 1e-5 * Math.Max(1, reconstruction[i]));
    }

    [Fact]
    public void WithTheTermTheScoreIsReconstructionOverItsTrainingIqrPlusKthNearestCodeDistanceOverItsTrainingIqr()
    {
        // 300 training rows: fewer than CodeDensityReferenceRows, so every training code is a reference; k = max(5, 5 % of 300) = 15.
        var train = AnomalyTables.GappedLine(normal: 290, anomalies: 10, seed: 25);
        var test = AnomalyTables.GappedLine(normal: 40, anomalies: 10, seed: 26);
        using var with = Fit(ml.View(train), density: true);
        using var without = Fit(ml.View(train), density: false);
        Assert.Equal(without.Model.TrainingLoss, with.Model.TrainingLoss); // the same network: the term is fitted after training
        Assert.Equal(300, with.Model.CodeDensityReferenceRows);
        Assert.Equal(15, with.Model.CodeDensityNeighbours);

        var (trainReconstruction, trainCodes) = Parts(with.Model, train.Rows);
        var (testReconstruction, testCodes) = Parts(with.Model, test.Rows);
        double KthDistance(float[] code) => trainCodes.Select(r => Math.Sqrt(r.Zip(code).Sum(p => (double)(p.First - p.Second) * (p.First - p.Second))))
            .Order().ElementAt(14);
        var reconstructionScale = Iqr(trainReconstruction.Select(v => (double)v));
        var distanceScale = Iqr(trainCodes.Select(KthDistance));
        var expected = testReconstruction.Select((r, i) => r / reconstructionScale + KthDistance(testCodes[i]) / distanceScale).ToArray();

        var scores = with.Transform(ml.View(test)).ScalarColumn("Score");

        Assert.All(scores, s => Assert.True(float.IsFinite(s) && s >= 0, $"score {s}"));
        for (var i = 0; i < scores.Length; i++)
            Assert.Equal(expected[i], scores[i], 1e-3 * Math.Max(1, expected[i]));
        var plain = without.Transform(ml.View(test)).ScalarColumn("Score");
        Assert.Equal(testReconstruction, plain, (a, b) => Math.Abs(a - b) <= 1e-5 * Math.Max(1, a));
    }

    /// <summary>Recomputed outside the detector: each row's squared reconstruction error of the standardized row, averaged over the features, and its code.</summary>
    internal static (float[] Reconstruction, float[][] Codes) Parts(AutoencoderAnomalyModelParameters model, float[][] rows)
    {
        var features = model.InputSize;
        var standardized = rows.SelectMany(r => r.Select((v, j) => (v - model.FeatureMeans[j]) / model.FeatureScales[j])).ToArray();
        using var lease = model.Fitted.Enter();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var network = model.Fitted.Module;
        var x = tensor(standardized, [rows.Length, features]);
        var code = network.Code(network.EncoderOutput(x));
        var reconstructed = network.Decode(code).data<float>().ToArray();
        var codes = code.data<float>().ToArray();
        var latent = model.Architecture.LatentDimension;
        var errors = Enumerable.Range(0, rows.Length)
            .Select(i => (float)Enumerable.Range(0, features).Average(j => Math.Pow(standardized[i * features + j] - reconstructed[i * features + j], 2))).ToArray();
        return (errors, Enumerable.Range(0, rows.Length).Select(i => codes.AsSpan(i * latent, latent).ToArray()).ToArray());
    }

    /// <summary>Interquartile range, quantiles by linear interpolation.</summary>
    internal static double Iqr(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        double Quantile(double q)
        {
            var position = q * (sorted.Length - 1);
            var low = (int)Math.Floor(position);
            var high = Math.Min(low + 1, sorted.Length - 1);
            return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
        }
        return Quantile(0.75) - Quantile(0.25);
    }
}
