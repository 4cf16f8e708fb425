using Microsoft.ML;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Anomaly;

/// <summary>Variational detectors trained on the circle: two with the same seed, one with another, one scoring by the ELBO.</summary>
public sealed class VaeDetectorsFixture : IDisposable
{
    public VaeDetectorsFixture()
    {
        Reconstruction = Fit(VaeAnomalyScore.ExpectedReconstructionError, seed: 1);
        SameSeed = Fit(VaeAnomalyScore.ExpectedReconstructionError, seed: 1);
        OtherSeed = Fit(VaeAnomalyScore.ExpectedReconstructionError, seed: 2);
        Elbo = Fit(VaeAnomalyScore.NegativeElbo, seed: 1);
    }

    public MLContext Ml { get; } = new(seed: 1);

    public (float[][] Rows, float[] Labels) Test { get; } = PlantedOutliers.Circle(200, 20, seed: 7);

    public AutoencoderAnomalyPredictionTransformer Reconstruction { get; }

    public AutoencoderAnomalyPredictionTransformer SameSeed { get; }

    public AutoencoderAnomalyPredictionTransformer OtherSeed { get; }

    public AutoencoderAnomalyPredictionTransformer Elbo { get; }

    public float[] Scores(ITransformer detector, float[][] rows) => detector.Transform(Ml.ToDataView(rows)).ScalarColumn("Score");

    public void Dispose()
    {
        foreach (var detector in new[] { Reconstruction, SameSeed, OtherSeed, Elbo })
            detector.Dispose();
    }

    private AutoencoderAnomalyPredictionTransformer Fit(VaeAnomalyScore score, int seed)
    {
        var options = PlantedOutliers.CircleDetector(epochs: 60, kind: AutoencoderKind.Variational);
        // Two features give a weak likelihood next to the KL term: beta = 1 collapses the posterior to the prior.
        options.Autoencoder.Beta = 0.1f;
        options.Autoencoder.Seed = seed;
        options.VaeScore = score;
        options.VaeScoringSamples = 8;
        options.ScoreCodeDensity = false; // these tests are about the VAE's reconstruction scores
        return Ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(Ml.CircleView(normal: 600, anomalies: 0, seed: 6));
    }
}

/// <summary>A variational detector scores by posterior sampling, deterministically for a given seed.</summary>
public sealed class VaeScoringTests(VaeDetectorsFixture vae) : IClassFixture<VaeDetectorsFixture>
{
    [Fact]
    public void AVaeScoreIsDeterministicForASeedAndDependsOnlyOnTheRowNotOnItsPositionOrBatch()
    {
        var rows = vae.Test.Rows;
        var scores = vae.Scores(vae.Reconstruction, rows);

        Assert.Equal(scores, vae.Scores(vae.Reconstruction, rows));
        Assert.Equal(scores, vae.Scores(vae.SameSeed, rows));
        Assert.NotEqual(scores, vae.Scores(vae.OtherSeed, rows));
        var reversed = vae.Scores(vae.Reconstruction, rows.Reverse().ToArray()).Reverse().ToArray();
        var oneByOne = vae.Reconstruction.RowByRowScores(vae.Ml.ToDataView(rows));
        for (var i = 0; i < scores.Length; i++)
        {
            Assert.Equal(scores[i], reversed[i], 5);
            Assert.Equal(scores[i], oneByOne[i], 5);
        }
    }

    [Fact]
    public void TheNegativeElboIsTheSummedReconstructionErrorPlusANonNegativeKLTerm()
    {
        var features = vae.Reconstruction.Model.InputSize;
        var meanError = vae.Scores(vae.Reconstruction, vae.Test.Rows);
        var negativeElbo = vae.Scores(vae.Elbo, vae.Test.Rows);

        Assert.Equal(VaeAnomalyScore.NegativeElbo, vae.Elbo.Model.VaeScore);
        Assert.Equal(8, vae.Elbo.Model.VaeScoringSamples);
        for (var i = 0; i < meanError.Length; i++)
            Assert.True(negativeElbo[i] >= meanError[i] * features - 1e-4, $"row {i}: -ELBO {negativeElbo[i]} < summed error {meanError[i] * features}");
        Assert.True(negativeElbo.Zip(meanError).Any(p => p.First > p.Second * features + 1e-3), "the KL term is never positive");
    }

    [Fact]
    public void BothVaeScoresSeparateThePlantedOutliers()
    {
        var test = vae.Ml.ToDataView(vae.Test.Rows, vae.Test.Labels);
        foreach (var detector in new[] { vae.Reconstruction, vae.Elbo })
        {
            var metrics = vae.Ml.AnomalyDetection.Evaluate(detector.Transform(test));
            Assert.True(metrics.AreaUnderRocCurve > 0.95, $"{detector.Model.VaeScore}: AUC {metrics.AreaUnderRocCurve}");
        }
    }
}
