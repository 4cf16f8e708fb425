using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Sampler;

/// <summary>A row's sample depends only on the seed and the row's position.</summary>
[Collection(FashionVaeCollection.Name)]
public sealed class ReproducibilityTests(FashionVae fixture)
{
    private sealed class ImageRow
    {
        [VectorType(784)]
        public float[] Features { get; set; } = [];
    }

    private sealed class SampleRow
    {
        [VectorType(784)]
        public float[] Sample { get; set; } = [];
    }

    /// <summary>Batch sizes take different matrix kernels: equal up to float rounding.</summary>
    private static void AssertClose(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            for (var j = 0; j < expected[i].Length; j++)
                Assert.True(Math.Abs(expected[i][j] - actual[i][j]) <= 1e-5, $"row {i}, feature {j}: expected {expected[i][j]}, got {actual[i][j]}");
    }

    [Theory]
    [InlineData(VaeSamplingMode.Prior, VaeDecoderOutput.Mean)]
    [InlineData(VaeSamplingMode.Posterior, VaeDecoderOutput.Mean)]
    [InlineData(VaeSamplingMode.Posterior, VaeDecoderOutput.GaussianDraw)]
    public void SamplesAreTheSameWhateverTheScoringBatchSize(VaeSamplingMode mode, VaeDecoderOutput output)
    {
        float[][] Samples(int batchSize)
        {
            using var sampler = fixture.Sampler(mode, output: output, scoringBatchSize: batchSize);
            return sampler.Transform(fixture.Test).VectorColumn("Sample");
        }

        var reference = Samples(1024);

        AssertClose(reference, Samples(1));
        AssertClose(reference, Samples(7));
    }

    [Fact]
    public void TheSameSeedGivesIdenticalSamplesInEveryRunAndAnotherSeedOthers()
    {
        using var sampler = fixture.Sampler(VaeSamplingMode.Posterior, seed: 5);
        using var twin = fixture.Sampler(VaeSamplingMode.Posterior, seed: 5);
        using var other = fixture.Sampler(VaeSamplingMode.Posterior, seed: 6);

        var first = sampler.Transform(fixture.Test).VectorColumn("Sample");

        Assert.Equal(first, sampler.Transform(fixture.Test).VectorColumn("Sample"));
        Assert.Equal(first, twin.Transform(fixture.Test).VectorColumn("Sample"));
        Assert.NotEqual(first[0], other.Transform(fixture.Test).VectorColumn("Sample")[0]);
    }

    [Fact]
    public void GenerateGivesThePriorSamplesOfATransformWithTheSameSeedAndPrefixesAgree()
    {
        using var sampler = fixture.Sampler(VaeSamplingMode.Prior, seed: 9);

        var generated = sampler.Generate(FashionVae.TestRows).VectorColumn("Sample");

        Assert.Equal(sampler.Transform(fixture.Test).VectorColumn("Sample"), generated);
        AssertClose(generated[..3], sampler.Generate(3).VectorColumn("Sample"));
        AssertClose(generated[..3], sampler.Generate(3, seed: 9).VectorColumn("Sample"));
        Assert.NotEqual(generated[0], sampler.Generate(1, seed: 10).VectorColumn("Sample")[0]);
    }

    [Fact]
    public void GenerateIsLazyAndHasOnlyTheSampleColumn()
    {
        using var sampler = fixture.Sampler(VaeSamplingMode.Prior);

        var huge = sampler.Generate(1_000_000_000_000);

        Assert.Equal(1_000_000_000_000, huge.GetRowCount());
        Assert.Equal(new[] { "Sample" }, huge.Schema.Select(c => c.Name));
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 784), huge.Schema["Sample"].Type);
        AssertClose(sampler.Generate(4).VectorColumn("Sample"), fixture.Ml.Data.TakeRows(huge, 4).VectorColumn("Sample"));
    }

    [Fact]
    public void PriorModeReadsNoInputColumn()
    {
        using var sampler = fixture.Sampler(VaeSamplingMode.Prior);
        var labelsOnly = fixture.Ml.Transforms.DropColumns("Features").Fit(fixture.Test).Transform(fixture.Test);

        var samples = sampler.Transform(labelsOnly).VectorColumn("Sample");

        Assert.Equal(sampler.Generate(FashionVae.TestRows).VectorColumn("Sample"), samples);
    }

    [Fact]
    public void ThePredictionEngineGivesTheNthPriorSampleOnItsNthCall()
    {
        using var sampler = fixture.Sampler(VaeSamplingMode.Prior);
        using var engine = fixture.Ml.Model.CreatePredictionEngine<ImageRow, SampleRow>(sampler);

        var predicted = fixture.TestImages.Take(5).Select(image => engine.Predict(new ImageRow { Features = image }).Sample).ToArray();

        AssertClose(sampler.Generate(5).VectorColumn("Sample"), predicted);
    }
}
