using Microsoft.ML;
using Xunit;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Networks;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Networks;

/// <summary>
/// The fitted network every model holds: one guard, one history, and one way to build a model around it that frees the
/// weights when the model rejects them; and the old public names of the architecture still compile and agree.
/// </summary>
public class FittedNetworkTests
{
    private static readonly NetworkDescription Vae = new(AutoencoderKind.Variational, 6, [5], 2, Activation.Relu, Activation.Identity, Activation.Identity);

    private static FittedNetwork Fresh(NetworkDescription description, string owner = "Owner")
    {
        manual_seed(1);
        return new FittedNetwork(new AutoencoderNetwork(description), owner, new TrainingHistory([3f, 2f], [2.5f], 4));
    }

    [Fact]
    public void AModelRejectingALoadedNetworkFreesItAndFailsWithAFormatExceptionNamingTheModel()
    {
        var network = Fresh(Vae);

        var error = Assert.Throws<FormatException>(() =>
            network.IntoLoaded<object>(_ => throw new ArgumentException("the settings do not fit"), "VaeSampler"));

        Assert.Equal("Model file holds an invalid VaeSampler: the settings do not fit", error.Message);
        Assert.IsType<ArgumentException>(error.InnerException);
        Assert.Equal("Owner", Assert.Throws<ObjectDisposedException>(() => network.Module).ObjectName);
    }

    [Fact]
    public void AModelFailingOtherwiseFreesTheNetworkAndKeepsItsException()
    {
        var network = Fresh(Vae);

        Assert.Throws<InvalidOperationException>(() => network.Into<object>(_ => throw new InvalidOperationException("no")));

        Assert.Throws<ObjectDisposedException>(() => network.Module);
    }

    [Fact]
    public void EveryFittedModelHoldsItsHistoryAndFreesTheNetworkOnDispose()
    {
        var columns = new AutoencoderColumns("Features", "Embedding", "Reconstruction", null);
        var embedding = new AutoencoderEmbeddingTransformer(Fresh(Vae, nameof(AutoencoderEmbeddingTransformer)), columns, 16);
        var settings = new VaeSamplerSettings("Features", "Sample", VaeSamplingMode.Prior, VaeDecoderOutput.Mean, 1f, 3);
        var sampler = new VaeSamplerTransformer(Fresh(Vae, nameof(VaeSamplerTransformer)), settings, 16);
        var model = new AutoencoderAnomalyModelParameters(Fresh(Vae, nameof(AutoencoderAnomalyModelParameters)), null,
            new VaeScoring(VaeAnomalyScore.ExpectedReconstructionError, 4, 1, false));

        Assert.Equal([3f, 2f], embedding.TrainingLoss);
        Assert.Equal([2.5f], model.ValidationLoss);
        Assert.Equal(4, sampler.SkippedTrainingRows);
        Assert.Equal(16, sampler.ScoringBatchSize);

        embedding.Dispose();
        sampler.Dispose();
        model.Dispose();
        Assert.Equal(nameof(AutoencoderEmbeddingTransformer), Assert.Throws<ObjectDisposedException>(() => embedding.Module).ObjectName);
        Assert.Equal(nameof(VaeSamplerTransformer), Assert.Throws<ObjectDisposedException>(() => sampler.Generate(1)).ObjectName);
        Assert.Throws<ObjectDisposedException>(() => model.Fitted.Module);
    }

#pragma warning disable CS0618 // the old names are what this test is about
    [Fact]
    public void TheFormerPublicNamesStillCompileAndAgreeWithTheNewOnes()
    {
        using var embedding = new AutoencoderEmbeddingTransformer(Fresh(Vae), new AutoencoderColumns("Features", "Embedding", null, null), 8);
        using var sampler = new VaeSamplerTransformer(Fresh(Vae), new VaeSamplerSettings("Features", "Sample", VaeSamplingMode.Prior, VaeDecoderOutput.Mean, 1f, 3), 8);
        using var model = new AutoencoderAnomalyModelParameters(Fresh(Vae), null, new VaeScoring(VaeAnomalyScore.NegativeElbo, 2, 1, false));

        Assert.Same(embedding.Architecture, embedding.Network);
        Assert.Same(sampler.Architecture, sampler.Network);
        Assert.Same(model.Architecture, model.Network);
        Assert.Equal(2, embedding.Architecture.LatentSize);
        Assert.Equal(embedding.LatentDimension, embedding.Network.LatentSize);
    }
#pragma warning restore CS0618
}
