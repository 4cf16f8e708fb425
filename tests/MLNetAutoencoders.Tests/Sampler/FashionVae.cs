using Microsoft.ML;
using MLNetAutoencoders.SampleData;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Sampler;

/// <summary>
/// One small VAE trained once on a Fashion-MNIST subset (Gaussian likelihood, sigmoid output), shared by the sampler
/// tests: 784 -> 128 -> 8, 10 epochs, a few seconds on two cores.
/// </summary>
public sealed class FashionVae : IDisposable
{
    public const int TrainRows = 1000;
    public const int TestRows = 200;

    public FashionVae()
    {
        Ml = new MLContext(seed: 1);
        var train = FashionMnist.Load(FashionMnistSplitName.Train, TrainRows);
        var test = FashionMnist.Load(FashionMnistSplitName.Test, TestRows);
        Train = train.ToDataView(Ml);
        Test = test.ToDataView(Ml);
        TrainImages = train.ToJaggedImages();
        TestImages = test.ToJaggedImages();
        Vae = Ml.Transforms.Autoencoder(Options()).Fit(Train);
    }

    public MLContext Ml { get; }

    public IDataView Train { get; }

    public IDataView Test { get; }

    public float[][] TrainImages { get; }

    public float[][] TestImages { get; }

    /// <summary>The fitted VAE; samplers wrap it.</summary>
    public AutoencoderEmbeddingTransformer Vae { get; }

    /// <summary>The VAE's training options.</summary>
    public static AutoencoderOptions Options() => new()
    {
        Kind = AutoencoderKind.Variational,
        Likelihood = VaeLikelihood.Gaussian,
        OutputActivation = Activation.Sigmoid,
        LatentDimension = 8,
        HiddenLayerSizes = [128],
        NumberOfEpochs = 10,
        BatchSize = 64,
        LearningRate = 2e-3,
        Seed = 3,
    };

    /// <summary>A sampler wrapping <see cref="Vae"/>.</summary>
    public VaeSamplerTransformer Sampler(VaeSamplingMode mode, int seed = 7, float temperature = 1f,
        VaeDecoderOutput output = VaeDecoderOutput.Mean, string? inputColumn = null, int scoringBatchSize = 1024) =>
        Ml.Transforms.VaeSampler(SamplerOptions(mode, seed, temperature, output, inputColumn, scoringBatchSize)).Fit(Test);

    /// <summary>Options of a sampler wrapping <see cref="Vae"/>.</summary>
    public VaeSamplerOptions SamplerOptions(VaeSamplingMode mode, int seed = 7, float temperature = 1f,
        VaeDecoderOutput output = VaeDecoderOutput.Mean, string? inputColumn = null, int scoringBatchSize = 1024) => new()
    {
        Pretrained = Vae,
        Mode = mode,
        Seed = seed,
        Temperature = temperature,
        Output = output,
        InputColumnName = inputColumn,
        ScoringBatchSize = scoringBatchSize,
        Vae = Options(),
    };

    public void Dispose() => Vae.Dispose();
}

/// <summary>Test classes sharing one <see cref="FashionVae"/>.</summary>
[CollectionDefinition(Name)]
public sealed class FashionVaeCollection : ICollectionFixture<FashionVae>
{
    public const string Name = "Fashion-MNIST VAE";
}
