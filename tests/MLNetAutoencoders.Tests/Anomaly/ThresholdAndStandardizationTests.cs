using Microsoft.ML;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Anomaly;

/// <summary>The threshold comes from a contamination rate or is given; features are standardized inside the detector.</summary>
public class ThresholdAndStandardizationTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private static AutoencoderAnomalyOptions Quick(float contamination = 0.1f)
    {
        var options = PlantedOutliers.CircleDetector(epochs: 2);
        options.Contamination = contamination;
        return options;
    }

    [Theory]
    [InlineData(0.05f)]
    [InlineData(0.25f)]
    public void AContaminationThresholdFlagsAboutThatFractionOfTheTrainingRows(float contamination)
    {
        var train = Ml.CircleView(normal: 400, anomalies: 0, seed: 3);
        using var detector = Ml.AnomalyDetection.Trainers.Autoencoder(Quick(contamination)).Fit(train);

        var flagged = detector.Transform(train).PredictedLabels().Count(f => f);

        Assert.Equal(contamination, detector.Contamination);
        Assert.InRange(flagged, (int)(400 * contamination) - 1, (int)(400 * contamination));
    }

    [Fact]
    public void AnExplicitThresholdIsUsedAsGivenAndRecordsNoContamination()
    {
        var options = Quick();
        options.Threshold = 0.125f;
        using var detector = Ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(Ml.CircleView(100, 0, seed: 3));

        Assert.Equal(0.125f, detector.Threshold);
        Assert.Null(detector.Contamination);
    }

    [Fact]
    public void StandardizationIsFittedOnTheTrainingRowsAndAConstantFeatureIsCentredWithoutDivisionByZero()
    {
        var rows = PlantedOutliers.Circle(200, 0, seed: 4).Rows.Select(r => new[] { r[0] * 100 + 5, r[1], 7f }).ToArray();
        using var detector = Ml.AnomalyDetection.Trainers.Autoencoder(Quick()).Fit(Ml.ToDataView(rows));
        var model = detector.Model;

        Assert.True(model.IsStandardized);
        Assert.Equal(rows.Average(r => r[0]), model.FeatureMeans[0], 2);
        Assert.Equal(StandardDeviation(rows.Select(r => r[0])), model.FeatureScales[0], 2);
        Assert.Equal(7f, model.FeatureMeans[2], 5);
        Assert.Equal(1f, model.FeatureScales[2]);
        var shifted = rows.Select(r => new[] { r[0], r[1], 8f }).ToArray();
        Assert.All(detector.Transform(Ml.ToDataView(shifted)).ScalarColumn("Score"), s => Assert.True(float.IsFinite(s)));
    }

    [Fact]
    public void StandardizedScoresDoNotDependOnTheUnitsOfTheFeatures()
    {
        var (rows, _) = PlantedOutliers.Circle(300, 30, seed: 5);
        var rescaled = rows.Select(r => new[] { r[0] * 1000, r[1] * 0.01f }).ToArray();
        using var original = Ml.AnomalyDetection.Trainers.Autoencoder(Quick()).Fit(Ml.ToDataView(rows));
        using var inOtherUnits = Ml.AnomalyDetection.Trainers.Autoencoder(Quick()).Fit(Ml.ToDataView(rescaled));

        var expected = original.Transform(Ml.ToDataView(rows)).ScalarColumn("Score");
        var actual = inOtherUnits.Transform(Ml.ToDataView(rescaled)).ScalarColumn("Score");

        for (var i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i], 1e-3);
    }

    [Fact]
    public void StandardizationCanBeSwitchedOff()
    {
        var options = Quick();
        options.Standardize = false;
        using var detector = Ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(Ml.CircleView(100, 0, seed: 3));

        Assert.False(detector.Model.IsStandardized);
        Assert.Empty(detector.Model.FeatureMeans);
        Assert.Empty(detector.Model.FeatureScales);
    }

    private static double StandardDeviation(IEnumerable<float> values)
    {
        var list = values.Select(v => (double)v).ToList();
        var mean = list.Average();
        return Math.Sqrt(list.Average(v => (v - mean) * (v - mean)));
    }
}
