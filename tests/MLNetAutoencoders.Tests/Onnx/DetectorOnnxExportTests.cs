using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Anomaly;
using MLNetAutoencoders.Tests.Golden;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MLNetAutoencoders.Tests.Onnx;

/// <summary>
/// The anomaly detector exported through ML.NET's ConvertToOnnx and scored with ApplyOnnxModel gives the TorchSharp
/// transformer's Score (relative difference at most 1e-4) and exactly its PredictedLabel, row for row: with and without
/// the density term, for a VAE (both scores), behind an ML.NET normalizer, and for golden model files of earlier versions.
/// </summary>
public class DetectorOnnxExportTests(ITestOutputHelper output)
{
    private static float[][] Training => DetectorExportData.Training(256);

    private static float[][] Scoring => DetectorExportData.Scoring(96, 16);

    private static AutoencoderAnomalyOptions Small(Action<AutoencoderAnomalyOptions>? configure = null) => DetectorExportData.Options(5, configure);

    [Fact]
    public void AnExportedDetectorWithTheDensityTermScoresAndLabelsLikeTorchSharp()
    {
        var ml = new MLContext(seed: 1);
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(Small()).Fit(ml.ToDataView(Training));
        Assert.True(detector.Model.ScoresCodeDensity);

        AssertExportScoresLikeTorchSharp(ml, detector, ml.ToDataView(Scoring));
    }

    [Fact]
    public void AnExportedDetectorWithoutTheDensityTermScoresAndLabelsLikeTorchSharp()
    {
        var ml = new MLContext(seed: 1);
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(Small(o => o.ScoreCodeDensity = false)).Fit(ml.ToDataView(Training));
        Assert.False(detector.Model.ScoresCodeDensity);

        AssertExportScoresLikeTorchSharp(ml, detector, ml.ToDataView(Scoring));
    }

    [Fact]
    public void AnExportedDetectorGivesARowHoldingNaNANaNScoreAndLabelFalseAsTorchSharpDoes()
    {
        var ml = new MLContext(seed: 1);
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(Small()).Fit(ml.ToDataView(Training));
        var rows = Scoring;
        rows[^1][3] = float.NaN; // an off-manifold row, which would be flagged

        var (scores, labels) = AssertExportScoresLikeTorchSharp(ml, detector, ml.ToDataView(rows));

        Assert.True(float.IsNaN(scores[^1][0]));
        Assert.False(labels[^1]);
    }

    [Theory]
    [InlineData(VaeAnomalyScore.ExpectedReconstructionError, VaeLikelihood.Gaussian)]
    [InlineData(VaeAnomalyScore.NegativeElbo, VaeLikelihood.Bernoulli)]
    public void AnExportedVaeDetectorDecodesTheSavedPosteriorDrawsAndScoresLikeTorchSharp(VaeAnomalyScore score, VaeLikelihood likelihood)
    {
        var ml = new MLContext(seed: 1);
        var bernoulli = likelihood == VaeLikelihood.Bernoulli;
        // The Bernoulli likelihood reads features in [0, 1]: the manifold's [-1, 1] halved and shifted, unstandardized.
        float[][] Prepare(float[][] rows) => bernoulli ? rows.Select(r => r.Select(v => Math.Clamp((v + 1) / 2, 0, 1)).ToArray()).ToArray() : rows;
        var options = Small(o =>
        {
            o.Autoencoder.Kind = AutoencoderKind.Variational;
            o.Autoencoder.LatentDimension = 3;
            o.Autoencoder.Likelihood = likelihood;
            o.Autoencoder.OutputActivation = bernoulli ? Activation.Sigmoid : Activation.Identity;
            o.Standardize = !bernoulli;
            o.VaeScore = score;
            o.VaeScoringSamples = 4;
        });
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(ml.ToDataView(Prepare(Training)));
        Assert.Equal(4, detector.Model.VaeScoringSamples);

        AssertExportScoresLikeTorchSharp(ml, detector, ml.ToDataView(Prepare(Scoring)));
    }

    [Fact]
    public void AnExportedNormalizerAndDetectorChainScoresAndLabelsLikeTorchSharp()
    {
        var ml = new MLContext(seed: 1);
        // In place: the normalizer's output replaces Features (as Features0 inside the file), which the detector must read.
        var model = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.AnomalyDetection.Trainers.Autoencoder(Small()))
            .Fit(ml.ToDataView(Training));
        try
        {
            AssertExportScoresLikeTorchSharp(ml, model, ml.ToDataView(Scoring));
        }
        finally
        {
            model.LastTransformer.Dispose();
        }
    }

    [Theory]
    [InlineData("v0.1.0/anomaly-undercomplete")]
    [InlineData("v0.1.0/anomaly-vae-elbo")]
    [InlineData(GoldenModelTests.CodeDensityFolder + "/" + GoldenModelCatalog.CodeDensityGolden)]
    public void AGoldenDetectorExportsAndScoresItsStoredOutputsAndLikeTorchSharp(string golden)
    {
        var expectedPath = Path.Combine(AppContext.BaseDirectory, GoldenModelCatalog.FolderName, golden + GoldenModelCatalog.ExpectedSuffix);
        var expected = JsonNode.Parse(File.ReadAllText(expectedPath))!.AsObject();
        var ml = new MLContext(seed: 1);
        using var detector = (AutoencoderAnomalyPredictionTransformer)ml.Model.Load(
            Path.Combine(Path.GetDirectoryName(expectedPath)!, (string)expected["model"]!), out _);
        var probe = GoldenModelCatalog.ProbeInput();

        var (scores, labels) = AssertExportScoresLikeTorchSharp(ml, detector, ml.ToDataView(SyntheticData.Manifold(60, seed: 3).Concat(probe).ToArray()));

        var stored = expected["outputs"]!.AsObject();
        var storedScores = stored["Score"]!.AsArray().Select(v => GoldenModelCatalog.ParseFloat(v!)).ToArray();
        ExportedModel.AssertClose(storedScores.Select(s => new[] { s }).ToArray(), scores[^probe.Length..], "stored Score", output);
        Assert.Equal(stored["PredictedLabel"]!.AsArray().Select(v => (bool)v!).ToArray(), labels[^probe.Length..]);
    }

    /// <summary>
    /// Exports <paramref name="model"/>, scores <paramref name="data"/> with the file through ApplyOnnxModel and asserts the
    /// file's Score and PredictedLabel equal the model's own (both labels must occur); returns the file's outputs.
    /// </summary>
    private (float[][] Scores, bool[] Labels) AssertExportScoresLikeTorchSharp(MLContext ml, ITransformer model, IDataView data)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ae-detector-onnx-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var stream = File.Create(path))
                ml.Model.ConvertToOnnx(model, data, stream);
            var expected = model.Transform(data);
            var onnx = ml.Transforms.ApplyOnnxModel(path).Fit(data).Transform(data);

            var scores = onnx.VectorColumn("Score");
            ExportedModel.AssertClose(expected.ScalarColumn("Score").Select(s => new[] { s }).ToArray(), scores, "Score", output);
            var labels = onnx.GetColumn<VBuffer<bool>>(onnx.Schema["PredictedLabel"]).Select(v => Assert.Single(v.DenseValues())).ToArray();
            var expectedLabels = expected.PredictedLabels();
            output.WriteLine($"PredictedLabel: {expectedLabels.Count(l => l)} of {expectedLabels.Length} rows true; file size {new FileInfo(path).Length} bytes");
            Assert.Equal(expectedLabels, labels);
            Assert.Contains(true, labels);
            Assert.Contains(false, labels);
            return (scores, labels);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
