using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MLNetAutoencoders.Tests.Onnx;

/// <summary>
/// ML.NET's own <see cref="AnomalyPredictionTransformer{TModel}"/> over the autoencoder's model parameters
/// (<c>ToAnomalyPredictionTransformer()</c>) exported through ML.NET's ConvertToOnnx and scored with ApplyOnnxModel gives
/// that transformer's own Score (relative difference at most 1e-4) and exactly its PredictedLabel (Score &gt; Threshold),
/// row for row, alone and behind an ML.NET normalizer: the model parameters write the score, ML.NET's scorer writes the label.
/// </summary>
public class NativeAnomalyTransformerOnnxTests(ITestOutputHelper output)
{
    private static float[][] Training => DetectorExportData.Training(128);

    private static float[][] Scoring => DetectorExportData.Scoring(48, 12);

    private static AutoencoderAnomalyOptions Small(Action<AutoencoderAnomalyOptions>? configure = null) => DetectorExportData.Options(3, configure);

    [Fact]
    public void AnExportedMLNetAnomalyTransformerScoresAndLabelsLikeItsOwnTransform()
    {
        var ml = new MLContext(seed: 1);
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(Small()).Fit(ml.ToDataView(Training));
        Assert.True(detector.Model.ScoresCodeDensity);
        var native = detector.ToAnomalyPredictionTransformer();

        AssertExportScoresLikeTransform(ml, native, ml.ToDataView(Scoring));
    }

    [Fact]
    public void AnExportedMLNetAnomalyTransformerOfAVaeScoresAndLabelsLikeItsOwnTransform()
    {
        var ml = new MLContext(seed: 1);
        var options = Small(o =>
        {
            o.Autoencoder.Kind = AutoencoderKind.Variational;
            o.Autoencoder.LatentDimension = 3;
            o.VaeScore = VaeAnomalyScore.NegativeElbo;
            o.VaeScoringSamples = 4;
        });
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(ml.ToDataView(Training));

        AssertExportScoresLikeTransform(ml, detector.ToAnomalyPredictionTransformer(), ml.ToDataView(Scoring));
    }

    [Fact]
    public void AnExportedNormalizerAndMLNetAnomalyTransformerChainScoresAndLabelsLikeItsOwnTransform()
    {
        var ml = new MLContext(seed: 1);
        var training = ml.ToDataView(Training);
        // In place: the normalizer's output replaces Features (Features0 inside the file), which the detector must read.
        var normalizer = ml.Transforms.NormalizeMeanVariance("Features").Fit(training);
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(Small()).Fit(normalizer.Transform(training));
        var chain = normalizer.Append(detector.ToAnomalyPredictionTransformer());

        AssertExportScoresLikeTransform(ml, chain, ml.ToDataView(Scoring));
    }

    [Fact]
    public void AnExportedMLNetAnomalyTransformerKeepsAChangedThreshold()
    {
        var ml = new MLContext(seed: 1);
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(Small()).Fit(ml.ToDataView(Training));
        var scores = detector.Transform(ml.ToDataView(Scoring)).ScalarColumn("Score");
        var median = scores.Order().ElementAt(scores.Length / 2);
        var native = ml.AnomalyDetection.ChangeModelThreshold(detector.ToAnomalyPredictionTransformer(), median);
        Assert.Equal(median, native.Threshold);

        var labels = AssertExportScoresLikeTransform(ml, native, ml.ToDataView(Scoring));

        Assert.InRange(labels.Count(l => l), scores.Length / 2 - 2, scores.Length / 2 + 1);
    }

    /// <remarks>
    /// ML.NET's scorer writes PredictedLabel as the ai.onnx.ml Binarizer, which ONNX Runtime refuses on a NaN input: the
    /// file fails loudly on a row the transformer scores NaN (with label false), instead of answering differently. The
    /// library's own transformer exports a Greater node instead (DetectorOnnxExportTests: NaN and false, as in TorchSharp).
    /// </remarks>
    [Fact]
    public void AnExportedMLNetAnomalyTransformerFailsLoudlyInOnnxRuntimeOnARowItScoresNaN()
    {
        var ml = new MLContext(seed: 1);
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(Small()).Fit(ml.ToDataView(Training));
        var native = detector.ToAnomalyPredictionTransformer();
        var rows = Scoring;
        rows[^1][3] = float.NaN;
        var data = ml.ToDataView(rows);
        var expected = native.Transform(data);
        Assert.True(float.IsNaN(expected.ScalarColumn("Score")[^1]));
        Assert.False(expected.GetColumn<bool>(expected.Schema["PredictedLabel"]).Last());
        using var exported = ExportedModel.Convert(ml, native, data);

        var error = Assert.ThrowsAny<Exception>(() => exported.Score(ml, data).VectorColumn("Score"));

        var message = error.ToString();
        Assert.Contains("Binarizer", message);
        Assert.Contains("NaN", message);
    }

    /// <summary>
    /// Exports <paramref name="model"/>, scores <paramref name="data"/> with the file through ApplyOnnxModel and asserts the
    /// file's Score and PredictedLabel equal <paramref name="model"/>'s own Transform (both labels must occur); returns the labels.
    /// </summary>
    private bool[] AssertExportScoresLikeTransform(MLContext ml, ITransformer model, IDataView data)
    {
        using var exported = ExportedModel.Convert(ml, model, data);
        output.WriteLine($"graph inputs: {string.Join(", ", exported.Inputs)}; outputs: {string.Join(", ", exported.Outputs)}");
        // The graph reads the data's own columns only: no score, label or normalized column comes in as an input.
        Assert.Equal(data.Schema.Select(c => c.Name), exported.Inputs);
        var expected = model.Transform(data);
        var onnx = exported.Score(ml, data);

        ExportedModel.AssertClose(expected.ScalarColumn("Score").Select(s => new[] { s }).ToArray(), onnx.VectorColumn("Score"), "Score", output);
        var labels = onnx.GetColumn<VBuffer<bool>>(onnx.Schema["PredictedLabel"]).Select(v => Assert.Single(v.DenseValues())).ToArray();
        var expectedLabels = expected.GetColumn<bool>(expected.Schema["PredictedLabel"]).ToArray();
        output.WriteLine($"PredictedLabel: {expectedLabels.Count(l => l)} of {expectedLabels.Length} rows true");
        Assert.Equal(expectedLabels, labels);
        Assert.Contains(true, labels);
        Assert.Contains(false, labels);
        return labels;
    }
}
