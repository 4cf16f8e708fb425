using Microsoft.ML;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Anomaly;

/// <summary>
/// An image detector's reconstruction score (ScoreStructuralDissimilarity, automatic: on for non-variational image
/// networks) is its squared error / the training IQR of the squared error + (1 - mean SSIM over the window) / the
/// training IQR of that dissimilarity; SSIM with C1 = (0.01 L)², C2 = (0.03 L)² for the training rows' range L, local
/// statistics over the window cut at the border. The density term joins that sum as a third term over its own training
/// IQR. Tables and variational detectors keep the squared error alone.
/// </summary>
public sealed class StructuralDissimilarityTests
{
    private readonly MLContext ml = new(seed: 1);

    /// <summary>Images of 1 x 4 x 4 on a manifold, as the convolutional export tests use; window 3.</summary>
    private static AutoencoderAnomalyOptions ImageDetector(Action<AutoencoderAnomalyOptions>? configure = null)
    {
        var options = new AutoencoderAnomalyOptions { Contamination = 0.1f };
        options.Autoencoder.ImageShape = new ImageShape(1, 4, 4);
        options.Autoencoder.ConvolutionChannels = [4, 8];
        options.Autoencoder.LatentDimension = 3;
        options.Autoencoder.NumberOfEpochs = 3;
        options.Autoencoder.BatchSize = 16;
        options.Autoencoder.Seed = 7;
        configure?.Invoke(options);
        return options;
    }

    /// <summary>SSIM written out pixel by pixel: local means, variances and covariance over the window cut at the border.</summary>
    private static double[] HandDissimilarity(float[][] targets, float[][] reconstructions, ImageShape image, int window, double dataRange)
    {
        double c1 = Math.Pow(0.01 * dataRange, 2), c2 = Math.Pow(0.03 * dataRange, 2);
        var half = window / 2;
        return targets.Select((a, row) =>
        {
            var b = reconstructions[row];
            double total = 0;
            for (var c = 0; c < image.Channels; c++)
                for (var y = 0; y < image.Height; y++)
                    for (var x = 0; x < image.Width; x++)
                    {
                        double n = 0, ma = 0, mb = 0, maa = 0, mbb = 0, mab = 0;
                        for (var dy = -half; dy <= half; dy++)
                            for (var dx = -half; dx <= half; dx++)
                            {
                                int yy = y + dy, xx = x + dx;
                                if (yy < 0 || yy >= image.Height || xx < 0 || xx >= image.Width)
                                    continue;
                                var i = (c * image.Height + yy) * image.Width + xx;
                                n++;
                                ma += a[i]; mb += b[i]; maa += a[i] * a[i]; mbb += b[i] * b[i]; mab += a[i] * b[i];
                            }
                        ma /= n; mb /= n; maa /= n; mbb /= n; mab /= n;
                        var va = maa - ma * ma;
                        var vb = mbb - mb * mb;
                        var cov = mab - ma * mb;
                        total += (2 * ma * mb + c1) * (2 * cov + c2) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
                    }
            return 1 - total / (image.Channels * image.Height * image.Width);
        }).ToArray();
    }

    private static float[][] Random(int rows, int size, int seed, float scale = 1)
    {
        var random = new System.Random(seed);
        return Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, size).Select(_ => scale * (float)random.NextDouble()).ToArray()).ToArray();
    }

    private static double[] TorchDissimilarity(float[][] targets, float[][] reconstructions, ImageShape image, int window, float dataRange)
    {
        using var scope = NewDisposeScope();
        var structure = new StructuralDissimilarity(image, window, dataRange, 1, 1);
        var size = targets[0].Length;
        var a = tensor(targets.SelectMany(r => r).ToArray(), [targets.Length, size]);
        var b = tensor(reconstructions.SelectMany(r => r).ToArray(), [targets.Length, size]);
        return structure.Dissimilarity(b, a).data<float>().Select(v => (double)v).ToArray();
    }

    [Theory]
    [InlineData(1, 8, 8, 7, 1f)]
    [InlineData(2, 5, 6, 5, 255f)]
    [InlineData(3, 4, 4, 3, 1f)]
    public void TheDissimilarityIsOneMinusTheMeanSsimOfWindowsCutAtTheBorderAsWrittenOutByHand(int channels, int height, int width, int window, float range)
    {
        var image = new ImageShape(channels, height, width);
        var targets = Random(5, (int)image.Size, seed: 1, range);
        var reconstructions = Random(5, (int)image.Size, seed: 2, range);

        var expected = HandDissimilarity(targets, reconstructions, image, window, range);
        var actual = TorchDissimilarity(targets, reconstructions, image, window, range);

        for (var i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i], 1e-4);
        Assert.All(TorchDissimilarity(targets, targets, image, window, range), d => Assert.Equal(0, d, 1e-5)); // an image is its own best reconstruction
    }

    [Fact]
    public void TheDissimilarityDoesNotDependOnThePixelScaleWhenTheDataRangeFollowsIt()
    {
        var image = new ImageShape(1, 8, 8);
        var targets = Random(4, (int)image.Size, seed: 3);
        var reconstructions = Random(4, (int)image.Size, seed: 4);
        var unit = TorchDissimilarity(targets, reconstructions, image, 7, 1f);
        var bytes = TorchDissimilarity(Scale(targets), Scale(reconstructions), image, 7, 255f);
        for (var i = 0; i < unit.Length; i++)
            Assert.Equal(unit[i], bytes[i], 1e-4);

        static float[][] Scale(float[][] rows) => rows.Select(r => r.Select(v => 255 * v).ToArray()).ToArray();
    }

    [Theory]
    [InlineData(28, 28, 7)]
    [InlineData(4, 4, 3)]
    [InlineData(6, 9, 5)]
    [InlineData(1, 8, 1)]
    public void TheWindowIsSevenOrTheLargestOddSideThatFitsASmallerImage(int height, int width, int window) =>
        Assert.Equal(window, StructuralDissimilarity.WindowFor(new ImageShape(1, height, width)));

    [Fact]
    public void AnImageDetectorScoresSquaredErrorAndDissimilarityEachOverItsTrainingIqr()
    {
        var train = SyntheticData.Manifold(128);
        var test = SyntheticData.Manifold(24, seed: 1).Concat(SyntheticData.Manifold(8, seed: 2).Select(r => r.Select(v => 3 * v).ToArray())).ToArray();
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(ImageDetector(o => o.ScoreCodeDensity = false)).Fit(ml.ToDataView(train));
        var model = detector.Model;
        Assert.True(model.ScoresStructuralDissimilarity);
        Assert.Equal(3, model.StructuralSimilarityWindow);
        Assert.False(model.IsStandardized);

        var image = model.Architecture.ImageShape!;
        var range = train.SelectMany(r => r).Max() - train.SelectMany(r => r).Min();
        var (trainReconstructions, testReconstructions) = (Reconstruct(model, train), Reconstruct(model, test));
        static double[] SquaredErrors(float[][] rows, float[][] reconstructions) =>
            rows.Select((r, i) => r.Zip(reconstructions[i]).Average(p => Math.Pow(p.First - p.Second, 2))).ToArray();
        var squaredErrorScale = CodeDensityTests.Iqr(SquaredErrors(train, trainReconstructions));
        var dissimilarityScale = CodeDensityTests.Iqr(HandDissimilarity(train, trainReconstructions, image, 3, range));
        var squaredErrors = SquaredErrors(test, testReconstructions);
        var dissimilarities = HandDissimilarity(test, testReconstructions, image, 3, range);
        var expected = squaredErrors.Select((e, i) => e / squaredErrorScale + dissimilarities[i] / dissimilarityScale).ToArray();

        var scores = detector.Transform(ml.ToDataView(test)).ScalarColumn("Score");

        for (var i = 0; i < scores.Length; i++)
            Assert.Equal(expected[i], scores[i], 2e-3 * Math.Max(1, expected[i]));
        using var plain = ml.AnomalyDetection.Trainers.Autoencoder(ImageDetector(o => { o.ScoreCodeDensity = false; o.ScoreStructuralDissimilarity = false; })).Fit(ml.ToDataView(train));
        Assert.False(plain.Model.ScoresStructuralDissimilarity);
        Assert.Equal(0, plain.Model.StructuralSimilarityWindow);
        var plainScores = plain.Transform(ml.ToDataView(test)).ScalarColumn("Score");
        for (var i = 0; i < plainScores.Length; i++)
            Assert.Equal(squaredErrors[i], plainScores[i], 1e-5 * Math.Max(1, squaredErrors[i])); // the same network (same seed): the squared error alone
    }

    [Fact]
    public void WithTheDensityTermAnImageScoreIsThreeTermsEachOverItsOwnTrainingIqr()
    {
        // 128 training rows: every training code is a reference; k = max(5, 5 % of 128) = 6.
        var train = SyntheticData.Manifold(128);
        var test = SyntheticData.Manifold(24, seed: 1).Concat(SyntheticData.Manifold(8, seed: 2).Select(r => r.Select(v => 3 * v).ToArray())).ToArray();
        using var with = ml.AnomalyDetection.Trainers.Autoencoder(ImageDetector()).Fit(ml.ToDataView(train));
        using var without = ml.AnomalyDetection.Trainers.Autoencoder(ImageDetector(o => o.ScoreCodeDensity = false)).Fit(ml.ToDataView(train));
        Assert.Equal(without.Model.TrainingLoss, with.Model.TrainingLoss); // the same network: both terms are fitted after training
        Assert.True(with.Model.ScoresStructuralDissimilarity && with.Model.ScoresCodeDensity);
        Assert.Equal(6, with.Model.CodeDensityNeighbours);

        var (trainCodes, testCodes) = (Codes(with.Model, train), Codes(with.Model, test));
        double KthDistance(float[] code) => trainCodes.Select(r => Math.Sqrt(r.Zip(code).Sum(p => (double)(p.First - p.Second) * (p.First - p.Second))))
            .Order().ElementAt(5);
        var distanceScale = CodeDensityTests.Iqr(trainCodes.Select(KthDistance));
        // The two-term reconstruction score (squared error / its IQR + dissimilarity / its IQR, the test above) joins as it
        // is: dividing it again by the IQR of the sum would leave the distance half the score, the two image terms a quarter each.
        var reconstruction = without.Transform(ml.ToDataView(test)).ScalarColumn("Score");
        var expected = reconstruction.Select((r, i) => r + KthDistance(testCodes[i]) / distanceScale).ToArray();

        var scores = with.Transform(ml.ToDataView(test)).ScalarColumn("Score");

        for (var i = 0; i < scores.Length; i++)
            Assert.Equal(expected[i], scores[i], 2e-3 * Math.Max(1, expected[i]));
    }

    [Fact]
    public void TablesAndVariationalImageDetectorsKeepTheSquaredErrorAndTheDensityTermStillJoins()
    {
        var train = ml.ToDataView(SyntheticData.Manifold(128));
        var tableOptions = new AutoencoderAnomalyOptions();
        tableOptions.Autoencoder.NumberOfEpochs = 2;
        using var table = ml.AnomalyDetection.Trainers.Autoencoder(tableOptions).Fit(train);
        using var variational = ml.AnomalyDetection.Trainers.Autoencoder(ImageDetector(o => o.Autoencoder.Kind = AutoencoderKind.Variational)).Fit(train);
        using var image = ml.AnomalyDetection.Trainers.Autoencoder(ImageDetector()).Fit(train);

        Assert.False(table.Model.ScoresStructuralDissimilarity);
        Assert.False(variational.Model.ScoresStructuralDissimilarity);
        Assert.True(image.Model.ScoresStructuralDissimilarity);
        Assert.True(image.Model.ScoresCodeDensity);
        Assert.All(image.Transform(train).ScalarColumn("Score"), s => Assert.True(float.IsFinite(s) && s >= 0, $"score {s}"));
    }

    [Fact]
    public void AskingForTheDissimilarityWithoutAnImageOrForAVariationalDetectorNamesTheOption()
    {
        var train = ml.ToDataView(SyntheticData.Manifold(32));
        var table = new AutoencoderAnomalyOptions { ScoreStructuralDissimilarity = true };
        var noImage = Assert.Throws<ArgumentException>(() => ml.AnomalyDetection.Trainers.Autoencoder(table).Fit(train));
        Assert.Equal("ScoreStructuralDissimilarity", noImage.ParamName);
        Assert.Contains("Autoencoder.ImageShape", noImage.Message);

        var variational = ImageDetector(o => { o.Autoencoder.Kind = AutoencoderKind.Variational; o.ScoreStructuralDissimilarity = true; });
        var vae = Assert.Throws<ArgumentException>(() => ml.AnomalyDetection.Trainers.Autoencoder(variational).Fit(train));
        Assert.Equal("ScoreStructuralDissimilarity", vae.ParamName);
        Assert.Contains("variational", vae.Message);
    }

    [Fact]
    public void AnImageDetectorSavedAndLoadedKeepsItsStructuralTermAndScoresTheSame()
    {
        var train = ml.ToDataView(SyntheticData.Manifold(128));
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(ImageDetector()).Fit(train);
        var path = Path.Combine(Path.GetTempPath(), $"mlnetae-structure-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(detector, train.Schema, path);
            using var loaded = (AutoencoderAnomalyPredictionTransformer)new MLContext().Model.Load(path, out _);
            Assert.True(loaded.Model.ScoresStructuralDissimilarity);
            Assert.Equal(3, loaded.Model.StructuralSimilarityWindow);
            Assert.Equal(detector.Transform(train).ScalarColumn("Score"), loaded.Transform(train).ScalarColumn("Score"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(4, 1f, "window")]
    [InlineData(5, 1f, "window")]
    [InlineData(3, 0f, "data range")]
    [InlineData(3, float.NaN, "data range")]
    public void AModelFileWithABadStructuralTermIsAFormatExceptionNamingIt(int window, float dataRange, string named)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(window);
            writer.Write(dataRange);
            writer.Write(0.5f);
            writer.Write(0.25f);
        }
        stream.Position = 0;
        using var reader = new BinaryReader(stream);
        var error = Assert.Throws<FormatException>(() => StructuralDissimilarity.Read(reader, new ImageShape(1, 4, 4)));
        Assert.Contains(named, error.Message);
        stream.Position = 0;
        Assert.Throws<FormatException>(() => StructuralDissimilarity.Read(new BinaryReader(stream), image: null));
    }

    /// <summary>The network's codes of unstandardized rows, recomputed outside the detector.</summary>
    private static float[][] Codes(AutoencoderAnomalyModelParameters model, float[][] rows) => Pass(model, rows).Codes;

    /// <summary>The network's reconstruction of unstandardized rows, recomputed outside the detector.</summary>
    private static float[][] Reconstruct(AutoencoderAnomalyModelParameters model, float[][] rows) => Pass(model, rows).Reconstructions;

    /// <summary>Unstandardized rows through the network outside the detector: each row's code and reconstruction.</summary>
    private static (float[][] Codes, float[][] Reconstructions) Pass(AutoencoderAnomalyModelParameters model, float[][] rows)
    {
        using var lease = model.Fitted.Enter();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var network = model.Fitted.Module;
        var code = network.Code(network.EncoderOutput(tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, model.InputSize])));
        float[][] Split(float[] values, int size) => Enumerable.Range(0, rows.Length).Select(i => values.AsSpan(i * size, size).ToArray()).ToArray();
        return (Split(code.data<float>().ToArray(), model.Architecture.LatentDimension), Split(network.Decode(code).data<float>().ToArray(), model.InputSize));
    }
}
