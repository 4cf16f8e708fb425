using Microsoft.ML;
using MLNetAutoencoders.Tests.Anomaly;
using MLNetAutoencoders.Validation;
using Xunit;

namespace MLNetAutoencoders.Tests.Validation;

/// <summary>
/// Rules stated once: what reads decoder outputs as probabilities needs a Sigmoid output, wherever it is set; the
/// sampler's options and its saved settings reject the same values with the same message.
/// </summary>
public class SharedOptionChecksTests
{
    private static readonly MLContext Ml = new(seed: 1);

    [Fact]
    public void EveryReaderOfProbabilitiesNeedsASigmoidOutputWithTheSameMessage()
    {
        var crossEntropy = new AutoencoderOptions { Loss = ReconstructionLoss.BinaryCrossEntropy, OutputActivation = Activation.Identity };
        var bernoulli = new AutoencoderOptions { Kind = AutoencoderKind.Variational, Likelihood = VaeLikelihood.Bernoulli, OutputActivation = Activation.Identity };

        var messages = new[]
        {
            Assert.Throws<ArgumentException>(() => Ml.Transforms.Autoencoder(crossEntropy)).Message,
            Assert.Throws<ArgumentException>(() => Ml.Transforms.Autoencoder(bernoulli)).Message,
            Assert.Throws<ArgumentException>(() => VaeSamplingValidation.RequireDrawable(VaeDecoderOutput.BernoulliDraw, Activation.Identity, "settings")).Message,
        };

        Assert.StartsWith("Binary cross-entropy needs decoder outputs in [0, 1] (OutputActivation = Sigmoid); got Identity.", messages[0]);
        Assert.StartsWith("The Bernoulli likelihood needs decoder outputs in [0, 1] (OutputActivation = Sigmoid); got Identity.", messages[1]);
        Assert.StartsWith("A Bernoulli draw needs decoder outputs in [0, 1] (OutputActivation = Sigmoid); got Identity.", messages[2]);
        crossEntropy.OutputActivation = Activation.Sigmoid;
        bernoulli.OutputActivation = Activation.Sigmoid;
        Ml.Transforms.Autoencoder(crossEntropy);
        Ml.Transforms.VaeSampler(new VaeSamplerOptions { Output = VaeDecoderOutput.BernoulliDraw, Vae = bernoulli });
        VaeSamplingValidation.RequireDrawable(VaeDecoderOutput.GaussianDraw, Activation.Identity, "settings");
    }

    [Fact]
    public void TheSamplersOptionsAndItsSavedSettingsRejectAValueWithTheSameMessage()
    {
        void Same(VaeSamplerOptions options, VaeSamplerSettings settings)
        {
            var fromOptions = Assert.ThrowsAny<ArgumentException>(() => Ml.Transforms.VaeSampler(options));
            var fromSettings = Assert.ThrowsAny<ArgumentException>(() => settings.Validate());
            Assert.Equal(fromOptions.GetType(), fromSettings.GetType());
            Assert.Equal(fromOptions.Message, fromSettings.Message);
        }

        var good = new VaeSamplerSettings("Features", "Sample", VaeSamplingMode.Prior, VaeDecoderOutput.Mean, 1f, 0);
        good.Validate();
        Same(new VaeSamplerOptions { OutputColumnName = " " }, good with { OutputColumnName = " " });
        Same(new VaeSamplerOptions { Mode = (VaeSamplingMode)7 }, good with { Mode = (VaeSamplingMode)7 });
        Same(new VaeSamplerOptions { Output = (VaeDecoderOutput)7 }, good with { Output = (VaeDecoderOutput)7 });
        Same(new VaeSamplerOptions { Temperature = -1f }, good with { Temperature = -1f });
        Same(new VaeSamplerOptions { Temperature = float.NaN }, good with { Temperature = float.NaN });
    }

    [Fact]
    public void TheDetectorIgnoresTheAutoencodersColumnNamesAndLeavesThemAsGiven()
    {
        var options = PlantedOutliers.CircleDetector(epochs: 1);
        options.Autoencoder.InputColumnName = "Unused";
        options.Autoencoder.OutputColumnName = "Same";
        options.Autoencoder.ReconstructionColumnName = "Same";

        var trainer = Ml.AnomalyDetection.Trainers.Autoencoder(options);
        using var model = trainer.Fit(Ml.CircleView(64, 0, seed: 1));

        Assert.Equal("Unused", trainer.Options.Autoencoder.InputColumnName);
        Assert.Equal("Features", model.FeatureColumnName);
        Assert.Throws<ArgumentException>(() => Ml.Transforms.Autoencoder(options.Autoencoder));
    }
}
