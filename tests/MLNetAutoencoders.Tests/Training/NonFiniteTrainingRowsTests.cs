using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using MLNetAutoencoders.Networks;

namespace MLNetAutoencoders.Tests.Training;

/// <summary>
/// NaN and infinity in training data: an error naming the first bad row by default; with
/// <see cref="AutoencoderOptions.SkipRowsWithNonFiniteValues"/> those rows are left out, counted and logged, and the
/// model is the one trained on the data without them.
/// </summary>
public class NonFiniteTrainingRowsTests
{
    private static readonly int[] BadRows = [3, 17, 40, 41, 99];

    private static AutoencoderOptions Small(AutoencoderKind kind = AutoencoderKind.Undercomplete, bool skip = true) => new()
    {
        Kind = kind,
        LatentDimension = 3,
        HiddenLayerSizes = [8],
        NumberOfEpochs = 2,
        BatchSize = 16,
        Seed = 5,
        SkipRowsWithNonFiniteValues = skip,
    };

    /// <summary>100 rows with NaN, +inf and -inf planted in <see cref="BadRows"/>, and the same data without those rows.</summary>
    private static (float[][] WithBad, float[][] Clean) Data()
    {
        var rows = SyntheticData.Manifold(100);
        var clean = rows.Where((_, i) => !BadRows.Contains(i)).Select(r => r.ToArray()).ToArray();
        rows[3][0] = float.NaN;
        rows[17][15] = float.PositiveInfinity;
        rows[40][7] = float.NegativeInfinity;
        rows[41][1] = float.NaN;
        rows[41][2] = float.PositiveInfinity;
        rows[99][4] = float.NaN;
        return (rows, clean);
    }

    private static float[][] Weights(AutoencoderNetwork network) =>
        network.parameters().Select(p => p.data<float>().ToArray()).ToArray();

    [Fact]
    public void ByDefaultTheFirstNonFiniteRowFailsFitNamingColumnRowIndexAndTheOption()
    {
        var ml = new MLContext(seed: 1);
        var (withBad, _) = Data();

        var ex = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Autoencoder(Small(skip: false)).Fit(ml.ToDataView(withBad)));

        Assert.Contains("Column 'Features', row 3: value NaN at index 0", ex.Message);
        Assert.Contains("SkipRowsWithNonFiniteValues", ex.Message);
        Assert.Contains("FilterRowsByMissingValues", ex.Message);
    }

    [Fact]
    public void TheDefaultAlsoNamesAnInfinityAsTheFirstBadValue()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Manifold(20);
        rows[12][9] = float.NegativeInfinity;

        var ex = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Autoencoder(Small(skip: false)).Fit(ml.ToDataView(rows)));

        Assert.Contains("Column 'Features', row 12: value -∞ at index 9", ex.Message.Replace("-Infinity", "-∞"));
    }

    [Theory]
    [InlineData(AutoencoderKind.Undercomplete)]
    [InlineData(AutoencoderKind.Denoising)]
    [InlineData(AutoencoderKind.Variational)]
    public void SkippingGivesTheModelTrainedWithoutThoseRowsAndCountsThem(AutoencoderKind kind)
    {
        var (withBad, clean) = Data();
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };

        using var skipped = ml.Transforms.Autoencoder(Small(kind)).Fit(ml.ToDataView(withBad));
        using var reference = new MLContext(seed: 1).Transforms.Autoencoder(Small(kind, skip: false)).Fit(ml.ToDataView(clean));

        Assert.Equal(5, skipped.SkippedTrainingRows);
        Assert.Equal(0, reference.SkippedTrainingRows);
        Assert.Equal(Weights(reference.Module), Weights(skipped.Module));
        Assert.Equal(reference.TrainingLoss, skipped.TrainingLoss);
        var probe = ml.ToDataView(clean);
        Assert.Equal(reference.Transform(probe).VectorColumn("Embedding"), skipped.Transform(probe).VectorColumn("Embedding"));
        Assert.Contains(messages, m => m.Contains("Skipped 5 of 100 training rows of column 'Features' holding NaN or infinity; training on the other 95."));
    }

    [Fact]
    public void CleanDataWithTheOptionOnSkipsNothing()
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.Transforms.Autoencoder(Small()).Fit(ml.ToDataView(SyntheticData.Manifold(40)));

        Assert.Equal(0, model.SkippedTrainingRows);
    }

    [Fact]
    public void ALoadedTransformerDoesNotKnowTheCount()
    {
        var ml = new MLContext(seed: 1);
        var (withBad, _) = Data();
        var data = ml.ToDataView(withBad);
        using var model = ml.Transforms.Autoencoder(Small()).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;

        using var loaded = (AutoencoderEmbeddingTransformer)ml.Model.Load(stream, out _);

        Assert.Equal(5, model.SkippedTrainingRows);
        Assert.Null(loaded.SkippedTrainingRows);
    }

    [Fact]
    public void WhenEveryRowIsSkippedFitFailsSayingSoWithColumnAndCounts()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Manifold(7);
        foreach (var row in rows)
            row[2] = float.NaN;

        var ex = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Autoencoder(Small()).Fit(ml.ToDataView(rows)));

        Assert.Contains("Column 'Features'", ex.Message);
        Assert.Contains("all 7 rows read hold NaN or infinity", ex.Message);
        Assert.Contains("7 of 7 rows skipped", ex.Message);
    }

    [Fact]
    public void TheVaeSamplerSkipsThroughItsVaeOptionsAndReportsTheCount()
    {
        var (withBad, clean) = Data();
        var ml = new MLContext(seed: 1);
        VaeSamplerOptions Options(bool skip) => new() { Vae = Small(AutoencoderKind.Variational, skip), Mode = VaeSamplingMode.Prior, Seed = 3 };

        using var skipped = ml.Transforms.VaeSampler(Options(skip: true)).Fit(ml.ToDataView(withBad));
        using var reference = ml.Transforms.VaeSampler(Options(skip: false)).Fit(ml.ToDataView(clean));

        Assert.Equal(5, skipped.SkippedTrainingRows);
        Assert.Equal(reference.Generate(10).VectorColumn("Sample"), skipped.Generate(10).VectorColumn("Sample"));
        Assert.Contains("row 3: value NaN", Assert.Throws<InvalidOperationException>(() =>
            ml.Transforms.VaeSampler(Options(skip: false)).Fit(ml.ToDataView(withBad))).Message);
    }

    [Theory]
    [InlineData(AutoencoderKind.Undercomplete)]
    [InlineData(AutoencoderKind.Variational)]
    public void TheAnomalyDetectorStandardizesAndThresholdsOnTheKeptRowsOnly(AutoencoderKind kind)
    {
        var (withBad, clean) = Data();
        var ml = new MLContext(seed: 1);
        AutoencoderAnomalyOptions Options(bool skip)
        {
            var o = new AutoencoderAnomalyOptions { Autoencoder = Small(kind, skip), Contamination = 0.1f, VaeScoringSamples = 2 };
            return o;
        }

        using var skipped = ml.AnomalyDetection.Trainers.Autoencoder(Options(skip: true)).Fit(ml.ToDataView(withBad));
        using var reference = ml.AnomalyDetection.Trainers.Autoencoder(Options(skip: false)).Fit(ml.ToDataView(clean));

        Assert.Equal(5, skipped.Model.SkippedTrainingRows);
        Assert.Equal(reference.Model.FeatureMeans, skipped.Model.FeatureMeans);
        Assert.Equal(reference.Model.FeatureScales, skipped.Model.FeatureScales);
        Assert.True(skipped.Model.FeatureMeans.All(float.IsFinite));
        Assert.Equal(reference.Threshold, skipped.Threshold);
        var probe = ml.ToDataView(clean);
        Assert.Equal(reference.Transform(probe).ScalarColumn("Score"), skipped.Transform(probe).ScalarColumn("Score"));
        Assert.Contains("row 3: value NaN", Assert.Throws<InvalidOperationException>(() =>
            ml.AnomalyDetection.Trainers.Autoencoder(Options(skip: false)).Fit(ml.ToDataView(withBad))).Message);
    }
}
