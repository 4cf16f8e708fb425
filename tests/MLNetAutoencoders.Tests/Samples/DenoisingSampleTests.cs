using Microsoft.ML;
using MLNetAutoencoders.SampleData;
using MLNetAutoencoders.Samples.Gallery;
using MLNetAutoencoders.Samples.Gallery.Analysis;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using static MLNetAutoencoders.Tests.Samples.SampleRun;

namespace MLNetAutoencoders.Tests.Samples;

public sealed class DenoisingSampleTests : IDisposable
{
    private const int Epochs = 5;
    // On the embedded subset the conv denoising autoencoder does NOT yet beat the conv undercomplete one on the noisy
    // images (MSE to clean: 1,000 images x 10 epochs 0.0500 vs 0.0472; 5,000 x 3 0.0388 vs 0.0350): that comparison is
    // left to the full-data run. What holds here: both are convolutional and both remove most of the noise.
    private const int ConvRows = 5000;
    private const int ConvTestRows = 1000;
    private const int ConvEpochs = 3;
    private readonly SampleRun run = new(rows: 1000, testRows: 200, epochs: Epochs);

    public void Dispose() => run.Dispose();

    [Fact]
    public void TheDenoisingAutoencoderIsCloserToTheCleanImagesThanTheUndercompleteOneAndTheNoisyInput()
    {
        var result = DenoisingSample.Run(run.Settings);

        Assert.Equal((1000, 200, Epochs), (result.TrainRows, result.TestRows, result.Epochs));
        // Unclipped Gaussian noise: the corrupted images are sigma² away from the clean ones.
        var variance = DenoisingSample.NoiseLevel * DenoisingSample.NoiseLevel;
        Assert.InRange(result.CorruptedMse, 0.95 * variance, 1.05 * variance);
        Assert.True(result.DenoisingMse < result.UndercompleteMse,
            $"denoising {result.DenoisingMse:F4} is not below undercomplete {result.UndercompleteMse:F4}");
        Assert.True(result.UndercompleteMse < result.CorruptedMse,
            $"undercomplete {result.UndercompleteMse:F4} is not below the noisy input {result.CorruptedMse:F4}");
        var json = run.AssertResultsFile(result.ResultsPath, DenoisingSample.ResultsName, DenoisingSample.Project, 1000);
        Assert.Equal((result.CorruptedMse, result.DenoisingMse, result.UndercompleteMse),
            ((double)json["corruptedMse"]!, (double)json["denoisingMse"]!, (double)json["undercompleteMse"]!));
        Assert.Contains($"denoising: epoch   {Epochs}/{Epochs}", run.Log.ToString());
        Assert.Contains($"undercomplete: epoch   {Epochs}/{Epochs}", run.Log.ToString());
        Assert.Equal(("mlp", "784-256-64", result.Network.ParameterCount), ((string?)json["network"], (string?)json["architecture"], (long)json["parameters"]!));
        Assert.StartsWith("Both MLP 784-256-64 (decoder mirrored", result.Caption);
    }

    [Fact]
    public void WithArchitectureConvBothAutoencodersAreConvolutionalAndBothRemoveMostOfTheNoise()
    {
        using var conv = new SampleRun(rows: ConvRows, testRows: ConvTestRows, epochs: ConvEpochs, SampleArchitecture.Conv);

        var result = DenoisingSample.Run(conv.Settings);

        conv.AssertPicture(result.ImagePath, minimumKilobytes: 20);
        Assert.Equal((SampleArchitecture.Conv, ConvRows, ConvTestRows, ConvEpochs), (result.Architecture, result.TrainRows, result.TestRows, result.Epochs));
        Assert.True(Math.Max(result.DenoisingMse, result.UndercompleteMse) < 0.5 * result.CorruptedMse,
            $"convolutional: denoising {result.DenoisingMse:F4}, undercomplete {result.UndercompleteMse:F4}, noisy input {result.CorruptedMse:F4}");
        var json = conv.AssertResultsFile(result.ResultsPath, DenoisingSample.ResultsName, DenoisingSample.Project, ConvRows);
        AssertConvolutionalNetwork(result.Network, new int[0], latentDimension: 64, json, "1x28x28-conv[32,64]-64");
        Assert.Equal((result.DenoisingMse, result.UndercompleteMse), ((double)json["denoisingMse"]!, (double)json["undercompleteMse"]!));
        Assert.StartsWith($"Both convolutional 1x28x28-conv[32,64]-64 (decoder mirrored, sigmoid output), {ConvEpochs} epochs on {ConvRows:N0} images", result.Caption);
        Assert.Contains("Training the denoising convolutional autoencoder", conv.Log.ToString());
        Assert.Contains("Training the undercomplete convolutional autoencoder", conv.Log.ToString());
    }

    [Fact]
    public void EachRowOfTheFigureShowsTheImagesItNamesAndTheErrorsAreThoseOfTheseImages()
    {
        var result = DenoisingSample.Run(run.Settings);

        var test = run.Test;
        var noisy = GaussianNoise.Add(test.Pixels, DenoisingSample.NoiseLevel, DenoisingSample.TestNoiseSeed);
        var noisyView = new FashionMnistSplit(FashionMnistSplitName.Test, noisy, test.Labels, "noisy", true)
            .ToDataView(new MLContext(seed: 1));
        float[][] Reconstruct(AutoencoderKind kind)
        {
            using var model = run.TrainAgain((ml, train) => ml.Transforms.Autoencoder(DenoisingSample.Options(SampleArchitecture.Mlp, kind, Epochs, TextWriter.Null)).Fit(train));
            return model.Transform(noisyView).VectorColumn("Reconstruction");
        }
        var denoised = Reconstruct(AutoencoderKind.Denoising);
        var undercomplete = Reconstruct(AutoencoderKind.Undercomplete);
        Assert.Equal(MeanSquaredError.Between(denoised, test.Pixels), result.DenoisingMse, 9);
        Assert.Equal(MeanSquaredError.Between(undercomplete, test.Pixels), result.UndercompleteMse, 9);

        // One column per class, its first test image.
        Assert.Equal(Enumerable.Range(0, 10).Select(c => Array.IndexOf(test.Labels, c)), result.ShownItems);
        using var png = Decode(result.ImagePath);
        var rows = new (string Group, Func<int, float[]> Image)[]
        {
            ("clean", i => test.GetImage(i).ToArray()),
            ("corrupted input", i => noisy[(784 * i)..(784 * (i + 1))]),
            ("denoising AE", i => denoised[i]),
            ("undercomplete AE", i => undercomplete[i]),
        };
        foreach (var (group, image) in rows)
        {
            var tiles = Group(result.Tiles, group);
            Assert.Equal(result.ShownItems.Length, tiles.Length);
            for (var c = 0; c < tiles.Length; c++)
                AssertTileShows(png, tiles[c], image(result.ShownItems[c]), UnitTone, 1, $"{group}, test image {result.ShownItems[c]}");
        }
        Assert.Equal(4 * result.ShownItems.Length, result.Tiles.Count);
    }
}
