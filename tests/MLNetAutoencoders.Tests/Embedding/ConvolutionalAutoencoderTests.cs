using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Embedding;

/// <summary>
/// With an ImageShape, the embedding estimator, the anomaly detector and the VAE sampler train a convolutional network
/// (1 x 4 x 4 images, channels [4, 8], code 3: 724 parameters with the automatic HiddenLayerSizes, no dense layer
/// after the stages; design §3), score rows of the
/// right sizes, check the scoring column as an image, and save and load through ML.NET's model zip with identical outputs.
/// </summary>
public sealed class ConvolutionalAutoencoderTests : IDisposable
{
    private static readonly ImageShape Image = new(1, 4, 4);
    private const int Rows = 64;

    private readonly string folder = Directory.CreateTempSubdirectory("mlnetae-conv-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];
    }

    /// <summary><paramref name="rows"/> random images in [0, 1] whose "Features" column has <paramref name="dimensions"/> (ExtractPixels' planar type by default).</summary>
    private static IDataView Images(MLContext ml, int rows, int seed, params int[] dimensions)
    {
        if (dimensions.Length == 0) dimensions = [Image.Channels, Image.Height, Image.Width];
        var size = dimensions.Aggregate(1, (a, b) => a * b);
        var random = new Random(seed);
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimensions);
        var data = Enumerable.Range(0, rows).Select(_ => new Row { Features = Enumerable.Range(0, size).Select(_ => random.NextSingle()).ToArray() }).ToList();
        return ml.Data.LoadFromEnumerable(data, definition);
    }

    private static AutoencoderOptions Convolutional(AutoencoderOptions options)
    {
        options.ImageShape = Image;
        options.ConvolutionChannels = [4, 8];
        options.LatentDimension = 3;
        options.NumberOfEpochs = 2;
        options.BatchSize = 16;
        options.Seed = 7;
        return options;
    }

    private T SaveAndLoad<T>(MLContext ml, ITransformer model, IDataView data, string name) where T : class
    {
        var path = Path.Combine(folder, name + ".zip");
        ml.Model.Save(model, data.Schema, path);
        return (T)new MLContext(seed: 5).Model.Load(path, out _);
    }

    private static void AssertConvolutional(NetworkDescription architecture)
    {
        Assert.Equal(Image, architecture.ImageShape);
        Assert.Equal(new[] { 4, 8 }, architecture.Convolution!.Stages.Select(s => s.OutputChannels));
        Assert.Empty(architecture.HiddenSizes);
        Assert.Equal(16, architecture.InputSize);
        Assert.Equal(3, architecture.LatentDimension);
    }

    [Fact]
    public void AConvolutionalEmbeddingFitsScoresRowsOfTheRightSizeAndRoundTripsWithIdenticalOutputs()
    {
        var ml = new MLContext(seed: 1);
        var train = Images(ml, Rows, seed: 1);
        var test = Images(ml, 20, seed: 2);
        var lines = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("Training a ")) lock (lines) lines.Add(e.Message); };

        using var model = ml.Transforms.Autoencoder(Convolutional(new AutoencoderOptions())).Fit(train);
        var scored = model.Transform(test);
        using var loaded = SaveAndLoad<AutoencoderEmbeddingTransformer>(ml, model, train, "embedding");
        var reloaded = loaded.Transform(test);

        AssertConvolutional(model.Architecture);
        Assert.Equal(724, model.Architecture.ParameterCount);
        Assert.Equal(2, model.TrainingLoss.Count);
        Assert.All(model.TrainingLoss, loss => Assert.True(float.IsFinite(loss)));
        var embeddings = scored.VectorColumn("Embedding");
        var reconstructions = scored.VectorColumn("Reconstruction");
        Assert.All(embeddings, e => Assert.Equal(3, e.Length));
        Assert.All(reconstructions, r => Assert.Equal(16, r.Length));
        Assert.Equal(20, embeddings.Length);
        Assert.Equal(20, scored.ScalarColumn("ReconstructionError").Length);
        Assert.Equal(model.Architecture.Convolution!.ToString(), loaded.Architecture.Convolution!.ToString());
        Assert.Equal(embeddings, reloaded.VectorColumn("Embedding"));
        Assert.Equal(reconstructions, reloaded.VectorColumn("Reconstruction"));
        Assert.Equal(scored.ScalarColumn("ReconstructionError"), reloaded.ScalarColumn("ReconstructionError"));
        Assert.EndsWith(
            $"Training a Undercomplete autoencoder 1 x 4 x 4 -> conv [4, 8] (8 x 1 x 1) -> 3 on {Rows} rows (seed 7).",
            Assert.Single(lines));
    }

    [Fact]
    public void HiddenLayerSizesPutDenseLayersBetweenTheFlattenedMapsAndTheCodeAndRoundTrip()
    {
        var ml = new MLContext(seed: 1);
        var train = Images(ml, Rows, seed: 1);
        var test = Images(ml, 20, seed: 2);
        var lines = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("Training a ")) lock (lines) lines.Add(e.Message); };

        using var model = ml.Transforms.Autoencoder(Convolutional(new AutoencoderOptions { HiddenLayerSizes = [6, 5] })).Fit(train);
        using var loaded = SaveAndLoad<AutoencoderEmbeddingTransformer>(ml, model, train, "embedding-dense");

        Assert.Equal(new[] { 6, 5 }, model.Architecture.HiddenSizes);
        Assert.Equal(new[] { 6, 5 }, loaded.Architecture.HiddenSizes);
        // The 724 of the network without dense layers, less 8 -> 3 and 3 -> 8 (59), plus 8 -> 6 -> 5 -> 3 and 3 -> 5 -> 6 -> 8 (219).
        Assert.Equal(884, model.Architecture.ParameterCount);
        Assert.All(model.Transform(test).VectorColumn("Embedding"), e => Assert.Equal(3, e.Length));
        Assert.Equal(model.Transform(test).VectorColumn("Reconstruction"), loaded.Transform(test).VectorColumn("Reconstruction"));
        Assert.EndsWith(
            $"Training a Undercomplete autoencoder 1 x 4 x 4 -> conv [4, 8] (8 x 1 x 1) -> [6, 5] -> 3 on {Rows} rows (seed 7).",
            Assert.Single(lines));
    }

    [Fact]
    public void AConvolutionalEmbeddingScoresAFlatColumnOfTheImagesSizeAndRejectsInterleavedPixels()
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.Transforms.Autoencoder(Convolutional(new AutoencoderOptions())).Fit(Images(ml, Rows, seed: 1));
        var planar = Images(ml, 8, seed: 3);
        var flat = Images(ml, 8, seed: 3, 16);

        Assert.Equal(model.Transform(planar).VectorColumn("Embedding"), model.Transform(flat).VectorColumn("Embedding"));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => model.GetOutputSchema(Images(ml, 1, seed: 3, 1, 2, 8).Schema));
        Assert.StartsWith("Input column 'Features' has dimensions 1 x 2 x 8; ImageShape is 1 x 4 x 4", ex.Message);
    }

    [Fact]
    public void AConvolutionalDetectorFitsWithoutAutomaticDenseLayersScoresEveryRowAndRoundTripsWithIdenticalScores()
    {
        var ml = new MLContext(seed: 1);
        var train = Images(ml, Rows, seed: 1);
        var test = Images(ml, 20, seed: 2);
        var options = new AutoencoderAnomalyOptions { Autoencoder = Convolutional(AutoencoderAnomalyOptions.DefaultAutoencoder()) };
        options.Autoencoder.LatentDimension = 0; // automatic: the code size rule still applies to a convolutional network

        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(train);
        var scored = detector.Transform(test);
        using var loaded = SaveAndLoad<AutoencoderAnomalyPredictionTransformer>(ml, detector, train, "detector");
        var reloaded = loaded.Transform(test);

        Assert.Equal(Image, detector.Model.Architecture.ImageShape);
        Assert.False(detector.Model.IsStandardized); // an image's pixels share one scale: automatic standardization leaves them as they are
        Assert.Empty(detector.Model.Architecture.HiddenSizes);
        Assert.Equal(2, detector.Model.Architecture.LatentDimension);
        var scores = scored.ScalarColumn("Score");
        Assert.Equal(20, scores.Length);
        Assert.All(scores, s => Assert.True(float.IsFinite(s)));
        Assert.Equal(scores, reloaded.ScalarColumn("Score"));
        Assert.Equal(scored.GetColumn<bool>("PredictedLabel").ToArray(), reloaded.GetColumn<bool>("PredictedLabel").ToArray());
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => detector.Transform(Images(ml, 1, seed: 3, 3, 4, 4)));
        Assert.Contains("ImageShape 1 x 4 x 4 describes 16", ex.Message);
    }

    [Fact]
    public void AConvolutionalDetectorStandardizesItsPixelsWhenAskedAndThenScoresDifferently()
    {
        var ml = new MLContext(seed: 1);
        var train = Images(ml, Rows, seed: 1);
        var test = Images(ml, 20, seed: 2);
        AutoencoderAnomalyOptions Options(bool? standardize) => new()
        {
            Autoencoder = Convolutional(AutoencoderAnomalyOptions.DefaultAutoencoder()),
            Standardize = standardize,
        };

        using var automatic = ml.AnomalyDetection.Trainers.Autoencoder(Options(null)).Fit(train);
        using var off = ml.AnomalyDetection.Trainers.Autoencoder(Options(false)).Fit(train);
        using var on = ml.AnomalyDetection.Trainers.Autoencoder(Options(true)).Fit(train);

        Assert.False(automatic.Model.IsStandardized);
        Assert.True(on.Model.IsStandardized);
        Assert.Equal(Image.Size, on.Model.FeatureMeans.Count);
        Assert.Equal(off.Transform(test).ScalarColumn("Score"), automatic.Transform(test).ScalarColumn("Score"));
        Assert.NotEqual(off.Transform(test).ScalarColumn("Score"), on.Transform(test).ScalarColumn("Score"));
    }

    [Fact]
    public void AConvolutionalVaeSamplerFitsSamplesImagesOfTheRightSizeAndRoundTripsWithIdenticalSamples()
    {
        var ml = new MLContext(seed: 1);
        var train = Images(ml, Rows, seed: 1);
        var test = Images(ml, 20, seed: 2);
        var options = new VaeSamplerOptions
        {
            Mode = VaeSamplingMode.Posterior,
            Seed = 11,
            Vae = Convolutional(new AutoencoderOptions { Kind = AutoencoderKind.Variational }),
        };

        using var sampler = ml.Transforms.VaeSampler(options).Fit(train);
        var samples = sampler.Transform(test).VectorColumn("Sample");
        using var loaded = SaveAndLoad<VaeSamplerTransformer>(ml, sampler, train, "sampler");

        AssertConvolutional(sampler.Architecture);
        Assert.Equal(20, samples.Length);
        Assert.All(samples, s => Assert.Equal(16, s.Length));
        Assert.All(samples, s => Assert.All(s, v => Assert.True(float.IsFinite(v))));
        Assert.Equal(samples, loaded.Transform(test).VectorColumn("Sample"));
        Assert.Equal(sampler.Generate(10, seed: 3).VectorColumn("Sample"), loaded.Generate(10, seed: 3).VectorColumn("Sample"));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => sampler.GetOutputSchema(Images(ml, 1, seed: 3, 4, 4, 3).Schema));
        Assert.Contains("ImageShape 1 x 4 x 4 describes 16", ex.Message);
    }

    [Fact]
    public void TheDetectorsAutomaticHiddenLayersAreNoneForAConvolutionalNetworkAndUnchangedOtherwise()
    {
        var convolutional = DetectorDefaults.Resolve(Convolutional(AutoencoderAnomalyOptions.DefaultAutoencoder()), rows: 100, features: 784);
        var perceptron = DetectorDefaults.Resolve(AutoencoderAnomalyOptions.DefaultAutoencoder(), rows: 100, features: 784);

        Assert.Empty(convolutional.HiddenLayerSizes!);
        Assert.Equal(new[] { 256, 128 }, perceptron.HiddenLayerSizes);
    }
}
