using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Anomaly;

/// <summary>One detector trained on the normal rows of the planted-outlier circle, shared by the tests of its surface.</summary>
public sealed class CircleDetectorFixture : IDisposable
{
    public CircleDetectorFixture()
    {
        Train = Ml.CircleView(normal: 1000, anomalies: 0, seed: 1);
        Test = Ml.CircleView(normal: 500, anomalies: 50, seed: 2);
        Detector = Ml.AnomalyDetection.Trainers.Autoencoder(PlantedOutliers.CircleDetector()).Fit(Train);
    }

    public MLContext Ml { get; } = new(seed: 1);

    public IDataView Train { get; }

    public IDataView Test { get; }

    public AutoencoderAnomalyPredictionTransformer Detector { get; }

    public void Dispose() => Detector.Dispose();
}

/// <summary>The detector has the surface of ML.NET's anomaly detectors and finds what linear detectors cannot.</summary>
public sealed class AnomalyDetectionTests(CircleDetectorFixture fixture) : IClassFixture<CircleDetectorFixture>
{
    private MLContext Ml => fixture.Ml;

    [Fact]
    public void OnACircleTheDetectorSeparatesInteriorOutliersThatRandomizedPcaReconstructsBetterThanNormalRows()
    {
        var ours = Ml.AnomalyDetection.Evaluate(fixture.Detector.Transform(fixture.Test));
        var pca = Ml.AnomalyDetection.Trainers.RandomizedPca(rank: 1, seed: 1).Fit(fixture.Train);
        var linear = Ml.AnomalyDetection.Evaluate(pca.Transform(fixture.Test));

        Assert.True(ours.AreaUnderRocCurve > 0.95, $"autoencoder AUC {ours.AreaUnderRocCurve}");
        Assert.True(linear.AreaUnderRocCurve < 0.5, $"RandomizedPca AUC {linear.AreaUnderRocCurve}");
    }

    [Fact]
    public void TheOutputHasASingleScoreAndABooleanPredictedLabelThatIsScoreAboveThreshold()
    {
        var scored = fixture.Detector.Transform(fixture.Test);

        Assert.Equal(NumberDataViewType.Single, scored.Schema["Score"].Type);
        Assert.Equal(BooleanDataViewType.Instance, scored.Schema["PredictedLabel"].Type);
        var scores = scored.ScalarColumn("Score");
        var labels = scored.PredictedLabels();
        Assert.All(scores, s => Assert.True(float.IsFinite(s) && s >= 0));
        Assert.Equal(scores.Select(s => s > fixture.Detector.Threshold), labels);
        Assert.Contains(true, labels);
        Assert.Contains(false, labels);
    }

    [Fact]
    public void ChangeModelThresholdIsTheSameCallAsForMLNetDetectorsAndMovesOnlyPredictedLabel()
    {
        var detector = fixture.Detector;
        var scores = detector.Transform(fixture.Test).ScalarColumn("Score");
        var median = scores.Order().ElementAt(scores.Length / 2);

        var changed = Ml.AnomalyDetection.ChangeModelThreshold(detector, median);

        Assert.Equal(median, changed.Threshold);
        Assert.Null(changed.Contamination);
        Assert.Same(detector.Model, changed.Model);
        var output = changed.Transform(fixture.Test);
        Assert.Equal(scores, output.ScalarColumn("Score"));
        Assert.Equal(scores.Select(s => s > median), output.PredictedLabels());
        Assert.NotEqual(median, detector.Threshold);
        Assert.Same(detector, Ml.AnomalyDetection.ChangeModelThreshold(detector, detector.Threshold));
    }

    [Fact]
    public void EvaluateCountsDetectionsAtTheThresholdSetByChangeModelThreshold()
    {
        var everything = Ml.AnomalyDetection.ChangeModelThreshold(fixture.Detector, -1f);
        var metrics = Ml.AnomalyDetection.Evaluate(everything.Transform(fixture.Test), falsePositiveCount: 500);

        Assert.Equal(1.0, metrics.DetectionRateAtFalsePositiveCount, 3);
        Assert.All(everything.Transform(fixture.Test).PredictedLabels(), Assert.True);
    }

    [Fact]
    public void EvaluateWantsTheLabelAsSingleSoABooleanLabelIsConvertedFirst()
    {
        var boolean = Ml.Transforms.Conversion.ConvertType("Label", outputKind: DataKind.Boolean).Fit(fixture.Test).Transform(fixture.Test);
        var scored = fixture.Detector.Transform(boolean);

        Assert.Throws<ArgumentOutOfRangeException>(() => Ml.AnomalyDetection.Evaluate(scored));
        var asSingle = Ml.Transforms.Conversion.ConvertType("Label", outputKind: DataKind.Single).Fit(scored).Transform(scored);
        Assert.True(Ml.AnomalyDetection.Evaluate(asSingle).AreaUnderRocCurve > 0.95);
    }

    [Fact]
    public void PredictionEngineScoresEachRowLikeTransform()
    {
        var expected = fixture.Detector.Transform(fixture.Test).ScalarColumn("Score");
        var engine = Ml.Model.CreatePredictionEngine<SyntheticData.Row, Prediction>(fixture.Detector, fixture.Test.Schema);
        var rows = Ml.Data.CreateEnumerable<SyntheticData.Row>(fixture.Test, reuseRowObject: false).ToArray();

        var actual = rows.Select(r => engine.Predict(r)).ToArray();

        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(expected[i], actual[i].Score, 1e-4 * Math.Max(1, Math.Abs(expected[i]))); // up to float rounding: batches of 1 and of many take other kernels
            Assert.Equal(actual[i].Score > fixture.Detector.Threshold, actual[i].PredictedLabel);
        }
    }

    [Fact]
    public void MLNetsOwnAnomalyPredictionTransformerOverTheModelScoresTheSameAndAcceptsMLNetsChangeModelThreshold()
    {
        var ours = fixture.Detector.Transform(fixture.Test).ScalarColumn("Score");
        var native = fixture.Detector.ToAnomalyPredictionTransformer();
        var changed = Ml.AnomalyDetection.ChangeModelThreshold(native, 1e6f);

        Assert.IsType<AnomalyPredictionTransformer<AutoencoderAnomalyModelParameters>>(changed);
        Assert.Same(fixture.Detector.Model, changed.Model);
        var scored = changed.Transform(fixture.Test);
        var scores = scored.ScalarColumn("Score");
        for (var i = 0; i < ours.Length; i++)
            Assert.Equal(ours[i], scores[i], 1e-4 * Math.Max(1, Math.Abs(ours[i])));
        Assert.All(scored.PredictedLabels(), Assert.False);
        Assert.True(Ml.AnomalyDetection.Evaluate(scored).AreaUnderRocCurve > 0.95);
    }

    private sealed class Prediction
    {
        public float Score { get; set; }

        public bool PredictedLabel { get; set; }
    }
}
