using MLNetAutoencoders.SampleData;
using MLNetAutoencoders.Samples.Gallery;
using MLNetAutoencoders.Samples.Gallery.Analysis;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using static MLNetAutoencoders.Tests.Samples.SampleRun;

namespace MLNetAutoencoders.Tests.Samples;

public sealed class AnomalyDetectionSampleTests : IDisposable
{
    // 1,000 training images hold about 100 of the normal class.
    private readonly SampleRun run = new(rows: 1000, testRows: 300, epochs: 5);

    public void Dispose() => run.Dispose();

    [Fact]
    public void TheRocAreasAreTheEvaluatorsAndTheAutoencoderRanksAnomaliesAboveRandomizedPca()
    {
        var result = AnomalyDetectionSample.Run(run.Settings);

        run.AssertPicture(result.ImagePath, minimumKilobytes: 60);
        Assert.Equal((300, 5), (result.TestRows, result.Epochs));
        Assert.InRange(result.TrainRows, 50, 200);
        // Our curve is ML.NET's: the same area as mlContext.AnomalyDetection.Evaluate on the same scores.
        Assert.Equal(result.Autoencoder.EvaluatedAuc, result.Autoencoder.Curve.Area, 6);
        Assert.Equal(result.RandomizedPca.EvaluatedAuc, result.RandomizedPca.Curve.Area, 6);
        // The figure's legend and README compare the two: the autoencoder's curve lies above PCA's.
        Assert.True(result.Autoencoder.Curve.Area > result.RandomizedPca.Curve.Area,
            $"autoencoder AUC {result.Autoencoder.Curve.Area:F3} is not above RandomizedPca's {result.RandomizedPca.Curve.Area:F3}");
        Assert.InRange(result.DetectionRate, result.FalseAlarmRate, 1);
        Assert.Contains("detector: epoch   5/5", run.Log.ToString());
        var json = run.AssertResultsFile(result.ResultsPath, AnomalyDetectionSample.ResultsName, AnomalyDetectionSample.Project, 1000);
        Assert.Equal((result.TrainRows, result.Autoencoder.Curve.Area, result.RandomizedPca.Curve.Area, result.DetectionRate, result.FalseAlarmRate),
            ((int)json["normalTrainRows"]!, (double)json["autoencoderAuc"]!, (double)json["randomizedPcaAuc"]!, (double)json["detectionRate"]!,
                (double)json["falseAlarmRate"]!));
    }

    [Fact]
    public void TheRowsShowTheTestItemsOfHighestAndLowestScoreInScoreOrder()
    {
        var result = AnomalyDetectionSample.Run(run.Settings);

        var test = run.Test;
        using var detector = run.TrainAgain((ml, _) => ml.AnomalyDetection.Trainers.Autoencoder(AnomalyDetectionSample.Options(5, TextWriter.Null))
            .Fit(run.Train.OfClass(AnomalyDetectionSample.NormalClass).ToDataView(ml)));
        var scores = detector.Transform(test.ToDataView(new Microsoft.ML.MLContext(seed: 1))).ScalarColumn("Score");
        var isAnomaly = test.Labels.Select(l => l != AnomalyDetectionSample.NormalClass).ToArray();
        Assert.Equal(RocCurve.From(scores, isAnomaly).Area, result.Autoencoder.Curve.Area, 9);

        var shown = AnomalyDetectionSample.ItemsShown;
        var others = Enumerable.Range(0, test.Count).Except(result.MostAnomalous).Except(result.LeastAnomalous).ToArray();
        Assert.Equal(shown, result.MostAnomalous.Length);
        Assert.Equal(shown, result.LeastAnomalous.Length);
        // "Most anomalous": the highest scores, highest first; "least": the lowest, lowest first; none in between.
        Assert.Equal(result.MostAnomalous.OrderByDescending(i => scores[i]), result.MostAnomalous);
        Assert.Equal(result.LeastAnomalous.OrderBy(i => scores[i]), result.LeastAnomalous);
        Assert.True(result.MostAnomalous.Min(i => scores[i]) >= others.Max(i => scores[i]), "an item not shown scores above a 'most anomalous' one");
        Assert.True(result.LeastAnomalous.Max(i => scores[i]) <= others.Min(i => scores[i]), "an item not shown scores below a 'least anomalous' one");
        // The odd normal items: the normal class's highest scores, highest first.
        var normal = Enumerable.Range(0, test.Count).Where(i => !isAnomaly[i]).ToArray();
        Assert.All(result.OddestNormal, i => Assert.False(isAnomaly[i]));
        Assert.Equal(result.OddestNormal.OrderByDescending(i => scores[i]), result.OddestNormal);
        Assert.True(result.OddestNormal.Min(i => scores[i]) >= normal.Except(result.OddestNormal).Max(i => scores[i]));

        using var png = Decode(result.ImagePath);
        var normalName = FashionMnist.ClassNames[AnomalyDetectionSample.NormalClass];
        foreach (var (group, items) in new[] { ("most anomalous", result.MostAnomalous), ("least anomalous", result.LeastAnomalous),
                     ($"odd '{normalName}'", result.OddestNormal) })
        {
            var tiles = Group(result.Tiles, group);
            Assert.Equal(shown, tiles.Length);
            for (var c = 0; c < shown; c++)
                AssertTileShows(png, tiles[c], test.GetImage(items[c]), UnitTone, 0.5, $"{group}, test image {items[c]}");
        }
    }
}
