using Microsoft.ML;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Anomaly;

/// <summary>Bad detector options and bad data fail before training, with messages that say what was expected.</summary>
public class AnomalyOptionsValidationTests
{
    private static readonly MLContext Ml = new(seed: 1);

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.1f)]
    [InlineData(0.51f)]
    [InlineData(float.NaN)]
    public void AContaminationOutsideZeroToOneHalfIsRejected(float contamination)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.AnomalyDetection.Trainers.Autoencoder(contamination: contamination));

        Assert.Equal(nameof(AutoencoderAnomalyOptions.Contamination), ex.ParamName);
        Assert.Contains("must be in (0, 0.5]", ex.Message);
    }

    [Fact]
    public void EmptyTrainingDataIsRejectedNamingTheColumn()
    {
        var empty = Ml.Data.FilterRowsByColumn(Ml.CircleView(4, 0, seed: 1), "Label", lowerBound: 5, upperBound: 6);

        var ex = Assert.Throws<InvalidOperationException>(() => Ml.AnomalyDetection.Trainers.Autoencoder(PlantedOutliers.CircleDetector(epochs: 1)).Fit(empty));

        Assert.Contains("'Features' has no rows", ex.Message);
    }

    [Fact]
    public void AMissingFeatureColumnFailsInGetOutputSchemaBeforeTraining()
    {
        var trainer = Ml.AnomalyDetection.Trainers.Autoencoder(featureColumnName: "Pixels");

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.GetOutputSchema(SchemaShape.Create(Ml.CircleView(4, 0, seed: 1).Schema)));

        Assert.Contains("'Pixels' not found", ex.Message);
    }

    [Fact]
    public void InputsInTheUnitIntervalAreNotAssumedForStandardizedFeatures()
    {
        var crossEntropy = PlantedOutliers.CircleDetector();
        crossEntropy.Autoencoder.Loss = ReconstructionLoss.BinaryCrossEntropy;
        crossEntropy.Autoencoder.OutputActivation = Activation.Sigmoid;
        var sigmoid = PlantedOutliers.CircleDetector();
        sigmoid.Autoencoder.OutputActivation = Activation.Sigmoid;

        Assert.Contains("set Standardize = false", Assert.Throws<ArgumentException>(() => Ml.AnomalyDetection.Trainers.Autoencoder(crossEntropy)).Message);
        Assert.Contains("set Standardize = false", Assert.Throws<ArgumentException>(() => Ml.AnomalyDetection.Trainers.Autoencoder(sigmoid)).Message);
        sigmoid.Standardize = false;
        Ml.AnomalyDetection.Trainers.Autoencoder(sigmoid);
    }

    [Fact]
    public void AnImageIsNotStandardizedByDefaultSoASigmoidOutputIsAcceptedUnlessStandardizationIsAskedFor()
    {
        var image = PlantedOutliers.CircleDetector();
        image.Autoencoder.OutputActivation = Activation.Sigmoid;
        image.Autoencoder.ImageShape = new ImageShape(1, 4, 4);

        Ml.AnomalyDetection.Trainers.Autoencoder(image);
        image.Standardize = true;
        Assert.Contains("set Standardize = false", Assert.Throws<ArgumentException>(() => Ml.AnomalyDetection.Trainers.Autoencoder(image)).Message);
    }

    [Fact]
    public void ThresholdScoringSamplesAndTheAutoencoderOptionsAreChecked()
    {
        var threshold = PlantedOutliers.CircleDetector();
        threshold.Threshold = float.PositiveInfinity;
        var samples = PlantedOutliers.CircleDetector();
        samples.VaeScoringSamples = 0;
        var epochs = PlantedOutliers.CircleDetector();
        epochs.Autoencoder.NumberOfEpochs = -1; // 0 is "automatic" for the detector

        Assert.Equal("Threshold", Assert.Throws<ArgumentOutOfRangeException>(() => Ml.AnomalyDetection.Trainers.Autoencoder(threshold)).ParamName);
        Assert.Equal("VaeScoringSamples", Assert.Throws<ArgumentOutOfRangeException>(() => Ml.AnomalyDetection.Trainers.Autoencoder(samples)).ParamName);
        Assert.Equal("NumberOfEpochs", Assert.Throws<ArgumentOutOfRangeException>(() => Ml.AnomalyDetection.Trainers.Autoencoder(epochs)).ParamName);
    }
}
