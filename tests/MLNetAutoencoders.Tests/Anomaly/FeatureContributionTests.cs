using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Anomaly;

/// <summary>Detectors of three kinds trained on the same 2-D manifold in six features.</summary>
public sealed class ContributionDetectorsFixture : IDisposable
{
    public const int Features = 6;

    public ContributionDetectorsFixture()
    {
        Undercomplete = Fit(AutoencoderKind.Undercomplete, VaeAnomalyScore.ExpectedReconstructionError);
        Vae = Fit(AutoencoderKind.Variational, VaeAnomalyScore.ExpectedReconstructionError);
        VaeElbo = Fit(AutoencoderKind.Variational, VaeAnomalyScore.NegativeElbo);
    }

    public MLContext Ml { get; } = new(seed: 1);

    /// <summary>Rows of the training manifold that the detectors never saw.</summary>
    public float[][] Normal { get; } = SyntheticData.Manifold(20, Features, seed: 9);

    public AutoencoderAnomalyPredictionTransformer Undercomplete { get; }

    public AutoencoderAnomalyPredictionTransformer Vae { get; }

    public AutoencoderAnomalyPredictionTransformer VaeElbo { get; }

    /// <summary>The FeatureContributions column of <paramref name="rows"/> through ML.NET's CalculateFeatureContribution.</summary>
    public float[][] Contributions(AutoencoderAnomalyPredictionTransformer detector, float[][] rows, int top = Features, int bottom = 0, bool normalize = false)
    {
        var data = Ml.ToDataView(rows);
        var contributions = Ml.Transforms.CalculateFeatureContribution(detector, top, bottom, normalize).Fit(data);
        return contributions.Transform(data).VectorColumn("FeatureContributions");
    }

    public float[] Scores(ITransformer detector, float[][] rows) => detector.Transform(Ml.ToDataView(rows)).ScalarColumn("Score");

    public void Dispose()
    {
        Undercomplete.Dispose();
        Vae.Dispose();
        VaeElbo.Dispose();
    }

    private AutoencoderAnomalyPredictionTransformer Fit(AutoencoderKind kind, VaeAnomalyScore score)
    {
        // Contributions explain the reconstruction score; without the density term that is the whole Score.
        var options = new AutoencoderAnomalyOptions { VaeScore = score, VaeScoringSamples = 4, ScoreCodeDensity = false };
        options.Autoencoder.Kind = kind;
        options.Autoencoder.HiddenLayerSizes = [32];
        options.Autoencoder.LatentDimension = 2;
        options.Autoencoder.HiddenActivation = Activation.Tanh;
        options.Autoencoder.NumberOfEpochs = 40;
        options.Autoencoder.BatchSize = 32;
        options.Autoencoder.LearningRate = 1e-2;
        options.Autoencoder.Beta = 0.1f;
        options.Autoencoder.Seed = 1;
        return Ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(Ml.ToDataView(SyntheticData.Manifold(400, Features, seed: 1)));
    }
}

/// <summary>
/// <c>mlContext.Transforms.CalculateFeatureContribution(detector)</c> explains a detector's score: each feature's
/// share of the reconstruction error, in the network's standardized input space.
/// </summary>
public sealed class FeatureContributionTests(ContributionDetectorsFixture fixture) : IClassFixture<ContributionDetectorsFixture>
{
    private const int Features = ContributionDetectorsFixture.Features;

    public static TheoryData<AutoencoderKind> Kinds => new() { AutoencoderKind.Undercomplete, AutoencoderKind.Variational };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void AnAnomalyPlantedInFeatureJGetsItsLargestContributionAtJ(AutoencoderKind kind)
    {
        var detector = kind == AutoencoderKind.Variational ? fixture.Vae : fixture.Undercomplete;
        var planted = new List<float[]>();
        for (var j = 0; j < Features; j++)
            for (var i = 0; i < 3; i++)
            {
                var row = (float[])fixture.Normal[i].Clone();
                row[j] += 5f;
                planted.Add(row);
            }

        var contributions = fixture.Contributions(detector, planted.ToArray());
        var baseline = fixture.Contributions(detector, fixture.Normal[..3]);

        for (var r = 0; r < planted.Count; r++)
        {
            var j = r / 3;
            var largest = Array.IndexOf(contributions[r], contributions[r].Max());
            Assert.True(largest == j, $"row planted in feature {j}: largest contribution at {largest}: [{string.Join(", ", contributions[r])}]");
            // Control: the same row before planting has a small contribution at j.
            Assert.True(contributions[r][j] > 10 * baseline[r % 3][j], $"feature {j}: {contributions[r][j]} vs {baseline[r % 3][j]} unplanted");
        }
    }

    [Fact]
    public void ContributionsSumToTheMeanSquaredReconstructionErrorOfTheRow()
    {
        var rows = RowsWithOnePlanted();
        foreach (var detector in new[] { fixture.Undercomplete, fixture.Vae })
        {
            var scores = fixture.Scores(detector, rows);
            var contributions = fixture.Contributions(detector, rows);
            for (var i = 0; i < rows.Length; i++)
            {
                Assert.All(contributions[i], c => Assert.True(c >= 0));
                Assert.Equal(scores[i], contributions[i].Sum(), scores[i] * 1e-4f);
            }
        }
    }

    [Fact]
    public void ForTheNegativeElboContributionsSumToTheNegativeLogLikelihoodWhichLeavesOutTheKLTerm()
    {
        // The two VAEs differ only in their score: the same network, the same posterior samples.
        var rows = RowsWithOnePlanted();
        var elbo = fixture.Scores(fixture.VaeElbo, rows);
        var meanError = fixture.Scores(fixture.Vae, rows);
        var contributions = fixture.Contributions(fixture.VaeElbo, rows);
        for (var i = 0; i < rows.Length; i++)
        {
            var sum = contributions[i].Sum();
            Assert.Equal(meanError[i] * Features, sum, sum * 1e-4f);
            Assert.True(elbo[i] > sum, $"row {i}: -ELBO {elbo[i]} is not above its likelihood part {sum}");
        }
    }

    [Fact]
    public void TopKeepsTheLargestContributionsAndNormalizeDividesByTheLargest()
    {
        var rows = RowsWithOnePlanted();
        var all = fixture.Contributions(fixture.Undercomplete, rows);
        var topTwo = fixture.Contributions(fixture.Undercomplete, rows, top: 2, bottom: 5, normalize: true);
        for (var i = 0; i < rows.Length; i++)
        {
            var order = all[i].Select((c, j) => (c, j)).OrderByDescending(p => p.c).ToArray();
            var max = order[0].c;
            for (var j = 0; j < Features; j++)
            {
                var kept = j == order[0].j || j == order[1].j;
                Assert.Equal(kept ? all[i][j] / max : 0f, topTwo[i][j], 1e-5f);
            }
        }
    }

    [Fact]
    public void APipelineWithFeatureContributionsSavesAndLoadsWithTheSameContributions()
    {
        var ml = fixture.Ml;
        var data = ml.ToDataView(RowsWithOnePlanted());
        var pipeline = fixture.Vae.Append(ml.Transforms.CalculateFeatureContribution(fixture.Vae, normalize: false).Fit(data));
        var expected = pipeline.Transform(data);
        using var stream = new MemoryStream();
        ml.Model.Save(pipeline, data.Schema, stream);
        stream.Position = 0;

        var loaded = ml.Model.Load(stream, out _);
        var actual = loaded.Transform(data);

        Assert.Equal(expected.VectorColumn("FeatureContributions"), actual.VectorColumn("FeatureContributions"));
        Assert.Equal(expected.ScalarColumn("Score"), actual.ScalarColumn("Score"));
        Assert.True(expected.VectorColumn("FeatureContributions").All(c => c.Any(v => v > 0)));
        (loaded as IDisposable)?.Dispose();
    }

    [Fact]
    public void AVectorOfTheWrongSizeIsRejectedWithBothSizes()
    {
        var ml = fixture.Ml;
        var contributions = ml.Transforms.CalculateFeatureContribution(fixture.Undercomplete).Fit(ml.ToDataView(fixture.Normal));
        var tooShort = ml.ToDataView([[1f, 2f, 3f]]);

        // ML.NET's parallel cursor wraps the exception of the row mapper.
        var error = Assert.ThrowsAny<Exception>(() => contributions.Transform(tooShort).VectorColumn("FeatureContributions")).GetBaseException();

        Assert.IsType<ArgumentException>(error);
        Assert.Contains("6 features", error.Message);
        Assert.Contains("vector of 3", error.Message);
        var chained = Assert.ThrowsAny<Exception>(() => fixture.Undercomplete.Append(contributions).Transform(tooShort));
        Assert.Contains("Features", chained.Message);
    }

    [Fact]
    public void AMissingOrNonVectorFeatureColumnIsRejectedByName()
    {
        var ml = fixture.Ml;
        var estimator = ml.Transforms.CalculateFeatureContribution(fixture.Undercomplete);
        var scalar = ml.Data.LoadFromEnumerable(new[] { new ScalarRow { Features = 1f } });
        var renamed = ml.Transforms.CopyColumns("Other", "Features").Append(ml.Transforms.DropColumns("Features"))
            .Fit(ml.ToDataView(fixture.Normal)).Transform(ml.ToDataView(fixture.Normal));

        Assert.Contains("Features", Assert.ThrowsAny<Exception>(() => estimator.Fit(scalar)).Message);
        Assert.Contains("Features", Assert.ThrowsAny<Exception>(() => estimator.Fit(renamed)).Message);
    }

    [Fact]
    public void ContributionsOfADisposedDetectorThrowObjectDisposedException()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(40, Features, seed: 1));
        var options = new AutoencoderAnomalyOptions();
        options.Autoencoder.HiddenLayerSizes = [4];
        options.Autoencoder.LatentDimension = 2;
        options.Autoencoder.NumberOfEpochs = 1;
        var detector = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(data);
        var contributions = ml.Transforms.CalculateFeatureContribution(detector).Fit(data);

        detector.Dispose();

        // ML.NET makes the getter through reflection, which wraps the exception.
        var error = Assert.ThrowsAny<Exception>(() => contributions.Transform(data).VectorColumn("FeatureContributions")).GetBaseException();
        Assert.IsType<ObjectDisposedException>(error);
    }

    private sealed class ScalarRow
    {
        public float Features { get; set; }
    }

    private float[][] RowsWithOnePlanted()
    {
        var rows = fixture.Normal.Select(r => (float[])r.Clone()).ToArray();
        rows[0][2] += 3f;
        return rows;
    }
}
