using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Sampler;

/// <summary>The estimator trains a VAE when it wraps none, and takes its place in pipelines.</summary>
public sealed class SamplerEstimatorTests
{
    private readonly MLContext ml = new(seed: 1);
    private readonly IDataView data = new MLContext().ToDataView(SyntheticData.Manifold(256, seed: 1));

    private static AutoencoderOptions SmallVae() => new()
    {
        Kind = AutoencoderKind.Variational,
        LatentDimension = 2,
        HiddenLayerSizes = [32],
        HiddenActivation = Activation.Tanh,
        NumberOfEpochs = 30,
        BatchSize = 32,
        LearningRate = 3e-3,
        Seed = 2,
    };

    [Fact]
    public void WithoutAPretrainedVaeTheEstimatorTrainsOneOnTheInputColumn()
    {
        var estimator = ml.Transforms.VaeSampler(new VaeSamplerOptions { Mode = VaeSamplingMode.Posterior, Seed = 4, Vae = SmallVae() });

        using var sampler = estimator.Fit(data);
        var output = sampler.Transform(data);

        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 16), output.Schema["Sample"].Type);
        Assert.Equal(new VaeSamplerSettings("Features", "Sample", VaeSamplingMode.Posterior, VaeDecoderOutput.Mean, 1f, 4), sampler.Settings);
        Assert.Equal(2, sampler.LatentDimension);
        var rows = data.VectorColumn("Features");
        var posteriorError = SyntheticData.MeanSquaredError(output.VectorColumn("Sample"), rows);
        var priorError = SyntheticData.MeanSquaredError(sampler.Generate(rows.Length).VectorColumn("Sample"), rows);
        Assert.True(posteriorError < 0.5 * priorError, $"posterior {posteriorError:G4}, prior {priorError:G4}");
    }

    [Fact]
    public void TheSimpleCatalogOverloadTrainsOnFeaturesAndTakesItsSeedFromTheMLContext()
    {
        VaeSamplerTransformer Fit() => new MLContext(seed: 3).Transforms.VaeSampler(latentDimension: 2).Fit(data);

        using var first = Fit();
        using var second = Fit();

        Assert.Equal(VaeSamplingMode.Prior, first.Settings.Mode);
        Assert.Equal("Features", first.Settings.InputColumnName);
        Assert.Equal(AutoencoderKind.Variational, first.Architecture.Kind);
        Assert.Equal(first.Settings.Seed, second.Settings.Seed);
        Assert.Equal(first.Generate(3).VectorColumn("Sample"), second.Generate(3).VectorColumn("Sample"));
    }

    [Fact]
    public void TheSamplerFitsInAPipelineAfterANormalizer()
    {
        var pipeline = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.Transforms.VaeSampler(new VaeSamplerOptions { Mode = VaeSamplingMode.Posterior, Temperature = 0.5f, Vae = SmallVae() }));

        var model = pipeline.Fit(data);
        var samples = model.Transform(data).VectorColumn("Sample");

        Assert.Equal(256, samples.Length);
        Assert.All(samples, s => Assert.All(s, v => Assert.True(float.IsFinite(v))));
    }
}
