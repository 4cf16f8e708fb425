using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Anomaly;

/// <summary>Detectors save inside ML.NET model zips and load, also in a fresh process, with identical scores and labels.</summary>
public sealed class AnomalyPersistenceTests : IDisposable
{
    private readonly MLContext ml = new(seed: 1);
    private readonly IDataView train;
    private readonly IDataView test;
    private readonly string folder = Directory.CreateTempSubdirectory("mlnetae-anomaly-").FullName;

    public AnomalyPersistenceTests()
    {
        train = ml.CircleView(normal: 200, anomalies: 0, seed: 8);
        test = ml.CircleView(normal: 60, anomalies: 10, seed: 9);
    }

    public void Dispose()
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }

    private AutoencoderAnomalyPredictionTransformer Fit(AutoencoderKind kind)
    {
        var options = PlantedOutliers.CircleDetector(epochs: 3, kind);
        options.Autoencoder.ValidationFraction = 0.25f;
        options.Contamination = 0.2f;
        return ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(train);
    }

    private string Save(ITransformer model, string name)
    {
        var path = Path.Combine(folder, name + ".zip");
        ml.Model.Save(model, train.Schema, path);
        return path;
    }

    [Theory]
    [InlineData(AutoencoderKind.Undercomplete)]
    [InlineData(AutoencoderKind.Variational)]
    public void ADetectorRoundTripsThroughAModelZipWithIdenticalScoresThresholdAndStandardization(AutoencoderKind kind)
    {
        using var detector = Fit(kind);
        var path = Save(detector, kind.ToString());

        using var loaded = (AutoencoderAnomalyPredictionTransformer)new MLContext().Model.Load(path, out var schema);

        Assert.Equal(train.Schema["Features"].Type, schema["Features"].Type);
        Assert.Equal(detector.Threshold, loaded.Threshold);
        Assert.Equal(detector.Contamination, loaded.Contamination);
        Assert.Equal(detector.FeatureColumnName, loaded.FeatureColumnName);
        Assert.Equal(detector.ScoringBatchSize, loaded.ScoringBatchSize);
        Assert.Equal(detector.Model.FeatureMeans, loaded.Model.FeatureMeans);
        Assert.Equal(detector.Model.FeatureScales, loaded.Model.FeatureScales);
        Assert.Equal(detector.Model.VaeScore, loaded.Model.VaeScore);
        Assert.Equal(detector.Model.TrainingLoss, loaded.Model.TrainingLoss);
        Assert.Equal(detector.Model.ValidationLoss, loaded.Model.ValidationLoss);
        Assert.Equal(detector.Transform(test).ScalarColumn("Score"), loaded.Transform(test).ScalarColumn("Score"));
        Assert.Equal(detector.Transform(test).PredictedLabels(), loaded.Transform(test).PredictedLabels());
    }

    [Fact]
    public void AFreshProcessLoadsAChangedThresholdDetectorAndGivesIdenticalScoresThroughTransformAndThePredictionEnginePath()
    {
        using var detector = Fit(AutoencoderKind.Variational);
        var changed = ml.AnomalyDetection.ChangeModelThreshold(detector, detector.Threshold * 2);
        var path = Save(changed, "changed");

        var viaTransform = FreshProcess.Transform(ml, path, test, viaRowMapper: false);
        var viaMapper = FreshProcess.Transform(ml, path, test, viaRowMapper: true);

        var expected = changed.Transform(test);
        Assert.Equal(expected.ScalarColumn("Score"), viaTransform.ScalarColumn("Score"));
        Assert.Equal(expected.PredictedLabels(), viaTransform.PredictedLabels());
        Assert.Equal(changed.RowByRowScores(test), viaMapper.ScalarColumn("Score"));
        Assert.Equal(expected.PredictedLabels(), viaMapper.PredictedLabels());
    }

    [Fact]
    public void MLNetsAnomalyPredictionTransformerOverTheModelRoundTripsThroughAFreshProcessInAPipeline()
    {
        var pipeline = ml.Transforms.CopyColumns("Features", "Features")
            .Append(ml.AnomalyDetection.Trainers.Autoencoder(PlantedOutliers.CircleDetector(epochs: 3)));
        var chain = pipeline.Fit(train);
        var native = new TransformerChain<ITransformer>(chain.First(), chain.LastTransformer.ToAnomalyPredictionTransformer());
        var path = Save(native, "native");

        var viaTransform = FreshProcess.Transform(ml, path, test, viaRowMapper: false);

        var expected = chain.Transform(test);
        var actual = viaTransform.ScalarColumn("Score");
        var scores = expected.ScalarColumn("Score");
        for (var i = 0; i < scores.Length; i++)
            Assert.Equal(scores[i], actual[i], 1e-4);
        Assert.Equal(expected.PredictedLabels(), viaTransform.PredictedLabels());
        chain.LastTransformer.Dispose();
    }
}
