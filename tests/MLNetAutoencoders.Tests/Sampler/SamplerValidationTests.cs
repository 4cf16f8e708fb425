using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Sampler;

/// <summary>Wrong options, models and columns fail at the public boundary with messages that say what is wrong.</summary>
[Collection(FashionVaeCollection.Name)]
public sealed class SamplerValidationTests(FashionVae fixture)
{
    [Fact]
    public void DecodeModeWithAWrongLatentSizeNamesTheColumnAndBothSizes()
    {
        using var decoder = fixture.Sampler(VaeSamplingMode.Decode, inputColumn: "Features");

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => decoder.Transform(fixture.Test));

        Assert.Contains("'Features'", ex.Message);
        Assert.Contains("size 784", ex.Message);
        Assert.Contains("latent size 8", ex.Message);
        Assert.Equal(ex.Message, Assert.Throws<ArgumentOutOfRangeException>(() => decoder.GetOutputSchema(fixture.Test.Schema)).Message);
        Assert.Equal(ex.Message, Assert.Throws<ArgumentOutOfRangeException>(() => decoder.GetRowToRowMapper(fixture.Test.Schema)).Message);
    }

    [Fact]
    public void PosteriorModeNeedsTheVaesInputColumn()
    {
        using var posterior = fixture.Sampler(VaeSamplingMode.Posterior);
        var labelsOnly = fixture.Ml.Transforms.DropColumns("Features").Fit(fixture.Test).Transform(fixture.Test);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => posterior.Transform(labelsOnly));

        Assert.Contains("'Features' not found", ex.Message);
    }

    [Theory]
    [InlineData(-0.5f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void TheTemperatureMustBeFiniteAndNonNegative(float temperature)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            fixture.Ml.Transforms.VaeSampler(fixture.SamplerOptions(VaeSamplingMode.Prior, temperature: temperature)));

        Assert.Contains("Temperature", ex.Message);
    }

    [Fact]
    public void WrappingANonVariationalAutoencoderIsRejected()
    {
        var ml = new MLContext(seed: 1);
        using var plain = ml.Transforms.Autoencoder(new AutoencoderOptions { LatentDimension = 2, HiddenLayerSizes = [8], NumberOfEpochs = 1 })
            .Fit(ml.ToDataView(SyntheticData.Manifold(64)));

        var ex = Assert.Throws<ArgumentException>(() => ml.Transforms.VaeSampler(plain));

        Assert.Contains("Undercomplete", ex.Message);
        Assert.Contains("Variational", ex.Message);
    }

    [Fact]
    public void TrainingOptionsMustDescribeAVae()
    {
        var options = new VaeSamplerOptions { Vae = new AutoencoderOptions { LatentDimension = 2 } };

        var ex = Assert.Throws<ArgumentException>(() => fixture.Ml.Transforms.VaeSampler(options));

        Assert.Contains("Vae.Kind must be Variational", ex.Message);
    }

    [Fact]
    public void ADrawMustUseTheVaesLikelihoodAndABernoulliDrawASigmoidOutput()
    {
        var gaussianVae = new VaeSamplerOptions { Output = VaeDecoderOutput.BernoulliDraw };
        var linearBernoulli = new VaeSamplerOptions
        {
            Output = VaeDecoderOutput.BernoulliDraw,
            Vae = new AutoencoderOptions { Kind = AutoencoderKind.Variational, Likelihood = VaeLikelihood.Bernoulli, OutputActivation = Activation.Sigmoid },
        };
        linearBernoulli.Vae.OutputActivation = Activation.Identity;

        Assert.Contains("Vae.Likelihood is Gaussian", Assert.Throws<ArgumentException>(() => fixture.Ml.Transforms.VaeSampler(gaussianVae)).Message);
        Assert.Contains("Sigmoid", Assert.Throws<ArgumentException>(() => fixture.Ml.Transforms.VaeSampler(linearBernoulli)).Message);
    }

    [Fact]
    public void TheEstimatorChecksItsColumnsBeforeTraining()
    {
        var estimator = fixture.Ml.Transforms.VaeSampler(new VaeSamplerOptions { Mode = VaeSamplingMode.Posterior, InputColumnName = "Pixels" });
        var shape = SchemaShape.Create(fixture.Test.Schema);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(shape));

        Assert.Contains("'Pixels' not found", ex.Message);
        var labelAsInput = fixture.Ml.Transforms.VaeSampler(new VaeSamplerOptions { Vae = new AutoencoderOptions { Kind = AutoencoderKind.Variational, InputColumnName = "Label" } });
        Assert.Contains("'Label'", Assert.Throws<ArgumentOutOfRangeException>(() => labelAsInput.Fit(fixture.Test)).Message);
    }

    [Fact]
    public void InterpolationChecksItsInputs()
    {
        using var sampler = fixture.Sampler(VaeSamplingMode.Prior);
        var image = fixture.TestImages[0];

        Assert.Contains("784", Assert.Throws<ArgumentException>(() => sampler.Interpolate(image, new float[10], 3)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Interpolate(image, image, 1));
        Assert.Throws<ArgumentNullException>(() => sampler.Interpolate(null!, image, 3));
    }

    [Fact]
    public void ADisposedSamplerThrowsObjectDisposed()
    {
        var sampler = fixture.Sampler(VaeSamplingMode.Prior);
        var view = sampler.Generate(10);
        sampler.Dispose();

        Assert.Throws<ObjectDisposedException>(() => sampler.Generate(1));
        Assert.Throws<ObjectDisposedException>(() => sampler.Transform(fixture.Test));
        Assert.Throws<ObjectDisposedException>(() => view.VectorColumn("Sample"));
    }

    [Fact]
    public void AWrappedVaeCanBeDisposedWithoutHarmingTheSampler()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(64));
        var vae = ml.Transforms.Autoencoder(new AutoencoderOptions { Kind = AutoencoderKind.Variational, LatentDimension = 2, HiddenLayerSizes = [8], NumberOfEpochs = 1 }).Fit(data);
        using var sampler = ml.Transforms.VaeSampler(vae, seed: 1).Fit(data);
        var before = sampler.Generate(5).VectorColumn("Sample");

        vae.Dispose();

        Assert.Equal(before, sampler.Generate(5).VectorColumn("Sample"));
    }
}
