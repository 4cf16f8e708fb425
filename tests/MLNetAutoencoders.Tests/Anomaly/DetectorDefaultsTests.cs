using Microsoft.ML;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Anomaly;

/// <summary>
/// With no options the detector sizes itself from the table (DetectorDefaults): code 2 (1 for two features); hidden
/// 256, 128 above 128 features, else one layer of 2d in [8, 128]; batch n / 16 in [16, 256]; epochs for about 500
/// steps in [1, 200]. Explicit options win. The expected values below are worked out by hand from that rule.
/// </summary>
public sealed class DetectorDefaultsTests
{
    private readonly MLContext ml = new(seed: 1);

    [Theory]
    [InlineData(2, 500)]
    [InlineData(8, 500)] // issue 13: "needs LatentDimension smaller than the size of column 'Features' (8); got 8"
    [InlineData(3, 200)]
    public void WithNoOptionsADetectorTrainsOnASmallTableAndFindsItsFarAnomalies(int features, int rows)
    {
        var table = AnomalyTables.Subspace(normal: rows, anomalies: rows / 20, features, seed: features);
        var data = ml.View(table);

        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(new AutoencoderAnomalyOptions()).Fit(data);

        var scores = detector.Transform(data).ScalarColumn("Score");
        Assert.All(scores, s => Assert.True(float.IsFinite(s) && s >= 0, $"score {s}"));
        var auc = AnomalyTables.RocAuc(scores, table.Labels);
        Assert.True(auc > 0.95, $"{features} features: AUC {auc:F3}");
        Assert.True(detector.Model.ScoresCodeDensity);
    }

    [Theory]
    [InlineData(2, 1, new[] { 8 })]
    [InlineData(3, 2, new[] { 8 })]
    [InlineData(5, 2, new[] { 10 })]
    [InlineData(8, 2, new[] { 16 })]
    [InlineData(9, 2, new[] { 18 })]
    [InlineData(30, 2, new[] { 60 })]
    [InlineData(64, 2, new[] { 128 })]
    [InlineData(128, 2, new[] { 128 })]
    [InlineData(129, 2, new[] { 256, 128 })]
    [InlineData(784, 2, new[] { 256, 128 })]
    public void TheFittedArchitectureFollowsTheDocumentedRuleForTheNumberOfFeatures(int features, int code, int[] hidden)
    {
        var options = new AutoencoderAnomalyOptions();
        options.Autoencoder.NumberOfEpochs = 1; // the architecture does not depend on the training length
        var data = ml.View(AnomalyTables.Subspace(normal: 40, anomalies: 0, features, seed: 3));

        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(data);

        Assert.Equal(features, detector.Model.Architecture.InputSize);
        Assert.Equal(code, detector.Model.Architecture.LatentDimension);
        Assert.Equal(hidden, detector.Model.Architecture.HiddenSizes);
    }

    [Theory]
    [InlineData(10, 200)]   // batch 16, 1 step an epoch: 500 epochs, capped at 200
    [InlineData(100, 72)]   // batch 16, 7 steps: ceil(500 / 7)
    [InlineData(1000, 30)]  // batch 62, 17 steps: ceil(500 / 17)
    [InlineData(5000, 25)]  // batch 256, 20 steps: 500 / 20
    public void TheAutomaticTrainingLengthAimsAtAbout500GradientSteps(int rows, int epochs)
    {
        var data = ml.View(AnomalyTables.Subspace(normal: rows, anomalies: 0, features: 2, seed: 5));

        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(new AutoencoderAnomalyOptions()).Fit(data);

        Assert.Equal(epochs, detector.Model.TrainingLoss.Count);
    }

    [Fact]
    public void ExplicitArchitectureAndEpochsWinOverTheRule()
    {
        var options = new AutoencoderAnomalyOptions();
        options.Autoencoder.LatentDimension = 3;
        options.Autoencoder.HiddenLayerSizes = [5];
        options.Autoencoder.NumberOfEpochs = 1;
        var data = ml.View(AnomalyTables.Subspace(normal: 200, anomalies: 0, features: 8, seed: 6));

        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(data);

        Assert.Equal(3, detector.Model.Architecture.LatentDimension);
        Assert.Equal(new[] { 5 }, detector.Model.Architecture.HiddenSizes);
        Assert.Single(detector.Model.TrainingLoss);
    }

    [Fact]
    public void AnExplicitCodeSizeAloneLeavesTheHiddenLayersAndEpochsAutomatic()
    {
        var options = new AutoencoderAnomalyOptions();
        options.Autoencoder.LatentDimension = 5;
        var data = ml.View(AnomalyTables.Subspace(normal: 1000, anomalies: 0, features: 8, seed: 7));

        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(data);

        Assert.Equal(5, detector.Model.Architecture.LatentDimension);
        Assert.Equal(new[] { 16 }, detector.Model.Architecture.HiddenSizes);
        Assert.Equal(30, detector.Model.TrainingLoss.Count);
    }

    [Fact]
    public void TheOptionsObjectIsNotChangedByTheRuleSoItSizesTheNextTableAfresh()
    {
        var options = new AutoencoderAnomalyOptions();
        options.Autoencoder.NumberOfEpochs = 1;
        var trainer = ml.AnomalyDetection.Trainers.Autoencoder(options);

        using var small = trainer.Fit(ml.View(AnomalyTables.Subspace(normal: 40, anomalies: 0, features: 2, seed: 8)));
        using var large = trainer.Fit(ml.View(AnomalyTables.Subspace(normal: 40, anomalies: 0, features: 30, seed: 8)));

        Assert.Equal((1, 8), (small.Model.Architecture.LatentDimension, small.Model.Architecture.HiddenSizes[0]));
        Assert.Equal((2, 60), (large.Model.Architecture.LatentDimension, large.Model.Architecture.HiddenSizes[0]));
        Assert.Equal(0, options.Autoencoder.LatentDimension);
        Assert.Null(options.Autoencoder.HiddenLayerSizes);
        Assert.Equal(0, trainer.Options.Autoencoder.LatentDimension);
    }
}
