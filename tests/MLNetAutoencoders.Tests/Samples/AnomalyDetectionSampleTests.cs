using MLNetAutoencoders.Samples.Gallery;
using Xunit;

namespace MLNetAutoencoders.Tests.Samples;

public sealed class AnomalyDetectionSampleTests : IDisposable
{
    // 1,000 training images hold about 100 of the normal class.
    private readonly SampleRun run = new(rows: 1000, testRows: 300, epochs: 5);

    public void Dispose() => run.Dispose();

    [Fact]
    public void DrawsBothRocCurvesWhoseAreasAreTheEvaluatorsAndTheMostAndLeastAnomalousItems()
    {
        var result = AnomalyDetectionSample.Run(run.Settings);

        run.AssertPicture(result.ImagePath, minimumKilobytes: 60);
        Assert.Equal("anomaly-detection.png", Path.GetFileName(result.ImagePath));
        Assert.Equal((300, 5), (result.TestRows, result.Epochs));
        Assert.InRange(result.TrainRows, 50, 200);
        // Our curve is ML.NET's: the same area as mlContext.AnomalyDetection.Evaluate on the same scores.
        Assert.Equal(result.Autoencoder.EvaluatedAuc, result.Autoencoder.Curve.Area, 6);
        Assert.Equal(result.RandomizedPca.EvaluatedAuc, result.RandomizedPca.Curve.Area, 6);
        // Five epochs on ~100 T-shirts already tell them from the other classes far better than chance.
        Assert.InRange(result.Autoencoder.Curve.Area, 0.7, 1);
        Assert.InRange(result.DetectionRate, result.FalseAlarmRate, 1);
        Assert.Equal(AnomalyDetectionSample.ItemsShown, result.MostAnomalous.Length);
        Assert.Equal(AnomalyDetectionSample.ItemsShown, result.LeastAnomalous.Length);
        Assert.Empty(result.MostAnomalous.Intersect(result.LeastAnomalous));
        Assert.Contains("detector: epoch   5/5", run.Log.ToString());
    }
}
