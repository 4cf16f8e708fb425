using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MLNetAutoencoders.Tests.Sampler;

/// <summary>What the samples of a VAE trained on Fashion-MNIST look like, in every mode and output.</summary>
[Collection(FashionVaeCollection.Name)]
public sealed class GenerationTests(FashionVae fixture, ITestOutputHelper log)
{
    private static float[] MeanImage(float[][] images) =>
        Enumerable.Range(0, images[0].Length).Select(j => images.Average(image => image[j])).ToArray();

    private static double MeanSquared(float[] a, float[] b) => a.Zip(b).Average(p => (double)(p.First - p.Second) * (p.First - p.Second));

    private static double Correlation(float[] a, float[] b)
    {
        double meanA = a.Average(), meanB = b.Average();
        var cov = a.Zip(b).Sum(p => (p.First - meanA) * (p.Second - meanB));
        return cov / Math.Sqrt(a.Sum(v => (v - meanA) * (v - meanA)) * b.Sum(v => (v - meanB) * (v - meanB)));
    }

    private static void AssertClose(float[][] expected, float[][] actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            for (var j = 0; j < expected[i].Length; j++)
                Assert.True(Math.Abs(expected[i][j] - actual[i][j]) <= tolerance, $"row {i}, feature {j}: expected {expected[i][j]}, got {actual[i][j]}");
    }

    [Fact]
    public void PriorSamplesHaveAMeanImageCloseToTheDatasMeanImage()
    {
        using var sampler = fixture.Sampler(VaeSamplingMode.Prior);

        var samples = sampler.Generate(2000).VectorColumn("Sample");

        var dataMean = MeanImage(fixture.TrainImages);
        var dataVariance = fixture.TrainImages.Average(image => MeanSquared(image, dataMean));
        var distance = MeanSquared(MeanImage(samples), dataMean);
        var correlation = Correlation(MeanImage(samples), dataMean);
        log.WriteLine($"mean squared distance of the mean images {distance:G4} (data variance {dataVariance:G4}); pixel correlation {correlation:F4}");
        Assert.True(distance < 0.2 * dataVariance, $"The prior samples' mean image is {distance:G4} from the data's, not below 0.2 x the data variance {dataVariance:G4}.");
        Assert.True(correlation > 0.95, $"The prior samples' mean image correlates {correlation:F4} with the data's.");
    }

    [Fact]
    public void PosteriorSamplesAreCloserToTheirOwnInputThanPriorSamplesAre()
    {
        using var posterior = fixture.Sampler(VaeSamplingMode.Posterior);
        using var prior = fixture.Sampler(VaeSamplingMode.Prior);

        var toOwnInput = SyntheticData.MeanSquaredError(posterior.Transform(fixture.Test).VectorColumn("Sample"), fixture.TestImages);
        var priorToInput = SyntheticData.MeanSquaredError(prior.Transform(fixture.Test).VectorColumn("Sample"), fixture.TestImages);

        log.WriteLine($"posterior samples to their input {toOwnInput:G4}, prior samples to the row {priorToInput:G4}");
        Assert.True(toOwnInput < 0.5 * priorToInput, $"posterior {toOwnInput:G4} vs prior {priorToInput:G4}");
    }

    [Fact]
    public void DecodingTheEmbeddingGivesTheEmbeddingTransformsReconstruction()
    {
        var embedded = fixture.Vae.Transform(fixture.Test);
        using var decoder = fixture.Ml.Transforms.VaeSampler(fixture.SamplerOptions(VaeSamplingMode.Decode)).Fit(embedded);

        var decoded = decoder.Transform(embedded);

        Assert.Equal("Embedding", decoder.Settings.InputColumnName);
        AssertClose(embedded.VectorColumn("Reconstruction"), decoded.VectorColumn("Sample"));
    }

    [Fact]
    public void APosteriorSampleAtTemperatureZeroIsTheReconstruction()
    {
        using var posterior = fixture.Sampler(VaeSamplingMode.Posterior, temperature: 0);

        AssertClose(fixture.Vae.Transform(fixture.Test).VectorColumn("Reconstruction"), posterior.Transform(fixture.Test).VectorColumn("Sample"));
    }

    [Fact]
    public void GaussianDrawsScatterAroundTheDecoderMeanWithVarianceOneHalf()
    {
        using var means = fixture.Sampler(VaeSamplingMode.Prior);
        using var draws = fixture.Sampler(VaeSamplingMode.Prior, output: VaeDecoderOutput.GaussianDraw);

        var noise = draws.Generate(500).VectorColumn("Sample").Zip(means.Generate(500).VectorColumn("Sample"))
            .SelectMany(p => p.First.Zip(p.Second, (draw, mean) => (double)draw - mean)).ToArray();

        Assert.InRange(noise.Average(), -0.01, 0.01);
        Assert.InRange(noise.Average(v => v * v), 0.49, 0.51);
    }

    [Fact]
    public void BernoulliDrawsAreBinaryWithTheDecoderMeanAsTheirProbability()
    {
        var options = fixture.SamplerOptions(VaeSamplingMode.Posterior, temperature: 0, output: VaeDecoderOutput.BernoulliDraw);
        options.Vae.Likelihood = VaeLikelihood.Bernoulli;
        using var sampler = fixture.Ml.Transforms.VaeSampler(options).Fit(fixture.Test);
        var image = fixture.TestImages[0];
        var copies = fixture.Ml.ToDataView(Enumerable.Repeat(image, 2000).ToArray());

        var draws = sampler.Transform(copies).VectorColumn("Sample");

        Assert.All(draws.SelectMany(d => d), v => Assert.True(v is 0f or 1f, $"{v} is not binary"));
        var reconstruction = fixture.Vae.Transform(fixture.Ml.ToDataView([image])).VectorColumn("Reconstruction")[0];
        var frequency = MeanImage(draws);
        // 2000 independent draws per pixel: the frequency is within 4.5 standard errors (0.05) of the probability.
        for (var j = 0; j < image.Length; j++)
            Assert.True(Math.Abs(frequency[j] - reconstruction[j]) < 0.05, $"pixel {j}: frequency {frequency[j]}, probability {reconstruction[j]}");
    }

    [Fact]
    public void InterpolationRunsFromOneReconstructionToTheOther()
    {
        using var sampler = fixture.Sampler(VaeSamplingMode.Prior);
        var (first, second) = (fixture.TestImages[0], fixture.TestImages[1]);

        var path = sampler.Interpolate(first, second, steps: 5);

        Assert.Equal(5, path.Length);
        Assert.All(path, point => Assert.Equal(784, point.Length));
        var reconstructions = fixture.Vae.Transform(fixture.Ml.ToDataView([first, second])).VectorColumn("Reconstruction");
        AssertClose([reconstructions[0], reconstructions[1]], [path[0], path[^1]]);
        var distances = path.Select(point => MeanSquared(point, reconstructions[1])).ToArray();
        Assert.True(distances[0] > distances[2] && distances[2] > distances[4], $"distances to the end: {string.Join(", ", distances)}");
    }
}
