using System.Diagnostics;
using Microsoft.ML;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.SampleData;
using MLNetAutoencoders.Samples.Gallery.Analysis;
using MLNetAutoencoders.Samples.Gallery.Drawing;
using SkiaSharp;

namespace MLNetAutoencoders.Samples.Gallery;

/// <summary>What <see cref="DenoisingSample.Run"/> measured and wrote.</summary>
/// <param name="ImagePath">The PNG: clean, corrupted and both reconstructions of one test image per class.</param>
/// <param name="CorruptedMse">Mean squared error of the corrupted test images to the clean ones.</param>
/// <param name="DenoisingMse">... of the denoising autoencoder's reconstructions of the corrupted images.</param>
/// <param name="UndercompleteMse">... of the undercomplete autoencoder's reconstructions of the same corrupted images.</param>
/// <param name="TrainRows">Training images used.</param>
/// <param name="TestRows">Test images corrupted and measured.</param>
/// <param name="Epochs">Training epochs of each autoencoder.</param>
/// <param name="Elapsed">Wall-clock time of the whole sample.</param>
/// <param name="ShownItems">The test image of each column of the figure: the first of each class.</param>
/// <param name="Tiles">Where each image was drawn: rows "clean", "corrupted input", "denoising AE" and "undercomplete AE", index = column.</param>
/// <param name="ResultsPath">The results file beside the PNG, <c>denoising.json</c>: the run and these figures (<see cref="ResultsFile"/>).</param>
/// <param name="Architecture">The network of both autoencoders (<c>--architecture</c>).</param>
/// <param name="Caption">The figure's caption: both networks' layers, the epochs and the data.</param>
/// <param name="Network">The fitted denoising autoencoder's network, as the library describes it (the undercomplete one's is the same).</param>
public sealed record DenoisingResult(string ImagePath, double CorruptedMse, double DenoisingMse, double UndercompleteMse, int TrainRows,
    int TestRows, int Epochs, TimeSpan Elapsed, int[] ShownItems, IReadOnlyList<ImageTile> Tiles, string ResultsPath, SampleArchitecture Architecture,
    string Caption, NetworkDescription Network);

/// <summary>
/// A denoising autoencoder (trained on inputs with Gaussian noise, to reconstruct the clean ones) next to an
/// undercomplete one of the same architecture (trained on clean inputs), both given the same noisy test images. Both
/// are 784-256-64 MLPs, or with <c>--architecture conv</c> convolutional 1x28x28-conv[32,64]-64 networks.
/// </summary>
public static class DenoisingSample
{
    /// <summary>The sample's folder under samples/.</summary>
    public const string Project = "Denoising";

    /// <summary>The results file's name (without .json) and README's block name.</summary>
    public const string ResultsName = "denoising";

    /// <summary>Training images used on the full dataset unless --rows says otherwise.</summary>
    public const int DefaultTrainRows = 60_000;

    /// <summary>Epochs of each autoencoder on the full dataset (capped rows).</summary>
    public const int DefaultEpochsFullDataset = 10;

    /// <summary>Epochs of each autoencoder on the embedded 5,000-image subset.</summary>
    public const int DefaultEpochsEmbeddedSubset = 40;

    /// <summary>Standard deviation of the Gaussian noise, in training and on the test images.</summary>
    public const float NoiseLevel = 0.4f;

    /// <summary>Seed of the noise added to the test images (<see cref="GaussianNoise.Add"/>).</summary>
    public const int TestNoiseSeed = 7;

    private const int LatentDimension = 64;
    private static readonly SampleLayers Layers = new(Perceptron: [256], AfterStages: []);

    /// <summary>Trains both autoencoders, corrupts the test images, measures and draws <c>denoising.png</c>.</summary>
    public static DenoisingResult Run(SampleSettings settings)
    {
        var log = settings.Log;
        var total = Stopwatch.StartNew();
        var resultsFile = new ResultsFile(ResultsName, Project);
        var mlContext = new MLContext(seed: 1);
        var data = GalleryData.Load(mlContext, settings, DefaultTrainRows);
        var epochs = data.Epochs(settings, DefaultEpochsFullDataset, DefaultEpochsEmbeddedSubset);
        var network = settings.Architecture;
        var architecture = SampleNetworks.Describe(network, Layers, $"{LatentDimension}");

        using var denoising = Train(mlContext, data, network, AutoencoderKind.Denoising, epochs, log);
        using var undercomplete = Train(mlContext, data, network, AutoencoderKind.Undercomplete, epochs, log);

        // The same noise the denoising autoencoder trained with, drawn once: both models see the same corrupted images.
        var noisyPixels = GaussianNoise.Add(data.Test.Pixels, NoiseLevel, TestNoiseSeed);
        var noisy = new FashionMnistSplit(FashionMnistSplitName.Test, noisyPixels, data.Test.Labels,
            $"{data.Test.Source} plus Gaussian noise", data.Test.IsEmbeddedSubset);
        var noisyView = noisy.ToDataView(mlContext);
        var denoised = Columns.ReadVectors(denoising.Transform(noisyView), "Reconstruction");
        var reconstructed = Columns.ReadVectors(undercomplete.Transform(noisyView), "Reconstruction");

        var corruptedMse = MeanSquaredError.Between(noisy.ToJaggedImages(), data.Test.Pixels);
        var denoisingMse = MeanSquaredError.Between(denoised, data.Test.Pixels);
        var undercompleteMse = MeanSquaredError.Between(reconstructed, data.Test.Pixels);

        var caption = $"Both {network.Adjective()} {architecture} (decoder mirrored, sigmoid output), {epochs} epochs on {data.Train.Count:N0} images; " +
                      $"MSE to the clean image over all {data.Test.Count:N0} test images.";
        var (imagePath, shown, tiles) = Draw(Path.Combine(settings.OutputDirectory, "denoising.png"), data, noisy, denoised, reconstructed,
            corruptedMse, denoisingMse, undercompleteMse, caption);

        var elapsed = total.Elapsed;
        var resultsPath = resultsFile.Write(settings, data, epochs, elapsed, [imagePath], new
        {
            Network = network.Argument(),
            Architecture = architecture,
            Parameters = denoising.Architecture.ParameterCount,
            NoiseLevel = Math.Round((double)NoiseLevel, 6),
            CorruptedMse = corruptedMse,
            DenoisingMse = denoisingMse,
            UndercompleteMse = undercompleteMse,
        });
        var result = new DenoisingResult(imagePath, corruptedMse, denoisingMse, undercompleteMse, data.Train.Count, data.Test.Count, epochs, elapsed,
            shown, tiles, resultsPath, network, caption, denoising.Architecture);
        log.WriteLine();
        log.WriteLine($"| Denoising                          | value |");
        log.WriteLine($"|------------------------------------|-------|");
        log.WriteLine($"| train / test images                | {result.TrainRows:N0} / {result.TestRows:N0} ({(data.IsEmbeddedSubset ? "embedded subset" : "full dataset")}) |");
        log.WriteLine($"| both autoencoders                  | {architecture} ({network.Adjective()}) |");
        log.WriteLine($"| epochs (each autoencoder)          | {epochs} |");
        log.WriteLine($"| MSE to clean: corrupted input      | {corruptedMse:F4} (Gaussian noise, sigma {NoiseLevel}) |");
        log.WriteLine($"| MSE to clean: denoising AE         | {denoisingMse:F4} |");
        log.WriteLine($"| MSE to clean: undercomplete AE     | {undercompleteMse:F4} |");
        log.WriteLine($"| image                              | {imagePath} |");
        log.WriteLine($"| results                            | {resultsPath} |");
        log.WriteLine($"| total time                         | {result.Elapsed.TotalSeconds:F1} s |");
        return result;
    }

    private static AutoencoderEmbeddingTransformer Train(MLContext mlContext, GalleryData data, SampleArchitecture architecture, AutoencoderKind kind,
        int epochs, TextWriter log)
    {
        log.WriteLine();
        log.WriteLine($"Training the {Name(kind)} {architecture.Adjective()} autoencoder on {data.Train.Count:N0} images for {epochs} epochs...");
        return mlContext.Transforms.Autoencoder(Options(architecture, kind, epochs, log)).Fit(data.TrainView);
    }

    private static string Name(AutoencoderKind kind) => kind == AutoencoderKind.Denoising ? "denoising" : "undercomplete";

    /// <summary>Both autoencoders' options: the same architecture (MLP or convolutional), the denoising one trained on noisy inputs.</summary>
    internal static AutoencoderOptions Options(SampleArchitecture architecture, AutoencoderKind kind, int epochs, TextWriter log) => new AutoencoderOptions
    {
        Kind = kind,
        Corruption = CorruptionKind.Gaussian,
        CorruptionLevel = NoiseLevel,
        LatentDimension = LatentDimension,
        OutputActivation = Activation.Sigmoid,
        NumberOfEpochs = epochs,
        Seed = 1,
        Progress = new TrainingLog(log, Name(kind)),
        ReconstructionErrorColumnName = null,
    }.WithNetwork(architecture, Layers);

    private static (string Path, int[] Shown, IReadOnlyList<ImageTile> Tiles) Draw(string path, GalleryData data, FashionMnistSplit noisy,
        float[][] denoised, float[][] reconstructed,
        double corruptedMse, double denoisingMse, double undercompleteMse, string caption)
    {
        // The first test image of each class.
        var shown = Enumerable.Range(0, FashionMnist.ClassCount)
            .Select(c => Array.IndexOf(data.Test.Labels, c))
            .Where(i => i >= 0)
            .ToArray();
        var grid = new ImageRows(shown.Length);
        const int top = 76;
        using var figure = new Figure(grid.Width + 10, top + 4 * grid.Cell + 36);
        figure.Text($"Denoising vs undercomplete autoencoder on the same noisy test images (Gaussian noise, sigma = {NoiseLevel})",
            figure.Width / 2f, 28, 18, SKTextAlign.Center, bold: true);
        grid.Captions(figure, shown.Select(i => FashionMnist.ClassNames[data.Test.Labels[i]]).ToArray(), top - 10);
        grid.Row(figure, top, "clean", null, shown.Select(i => Tones.FromUnitInterval(data.Test.GetImage(i))).ToArray());
        grid.Row(figure, top + grid.Cell, "corrupted input", $"MSE to clean {corruptedMse:F4}",
            shown.Select(i => Tones.FromUnitInterval(noisy.GetImage(i))).ToArray());
        grid.Row(figure, top + 2 * grid.Cell, "denoising AE", $"MSE to clean {denoisingMse:F4}",
            shown.Select(i => Tones.FromUnitInterval(denoised[i])).ToArray());
        grid.Row(figure, top + 3 * grid.Cell, "undercomplete AE", $"MSE to clean {undercompleteMse:F4}",
            shown.Select(i => Tones.FromUnitInterval(reconstructed[i])).ToArray());
        figure.Text(caption, figure.Width / 2f, top + 4 * grid.Cell + 18, 13, SKTextAlign.Center);
        return (figure.SavePng(path, greyScale: true), shown, figure.Tiles);
    }
}
