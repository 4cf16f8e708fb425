using System.Diagnostics;
using Microsoft.ML;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.SampleData;
using MLNetAutoencoders.Samples.Gallery.Analysis;
using MLNetAutoencoders.Samples.Gallery.Drawing;
using SkiaSharp;

namespace MLNetAutoencoders.Samples.Gallery;

/// <summary>What <see cref="Embedding2DSample.Run"/> measured and wrote.</summary>
/// <param name="ImagePath">The PNG: both 2-D maps of the test images, coloured by class.</param>
/// <param name="AutoencoderAccuracy">5-NN test accuracy in the autoencoder's 2-D code.</param>
/// <param name="PcaAccuracy">5-NN test accuracy in ML.NET PCA's rank-2 projection.</param>
/// <param name="TrainRows">Training images used.</param>
/// <param name="TestRows">Test images classified (and drawn, up to a cap).</param>
/// <param name="Epochs">Training epochs.</param>
/// <param name="Elapsed">Wall-clock time of the whole sample.</param>
/// <param name="AutoencoderPoints">The left panel's points as handed to the plot: (class, x, y), class by class, test order within a class.</param>
/// <param name="PcaPoints">The right panel's points, likewise.</param>
/// <param name="ResultsPath">The results file beside the PNG, <c>embedding2d.json</c>: the run and these figures (<see cref="ResultsFile"/>).</param>
/// <param name="Architecture">The network that drew the left panel (<c>--architecture</c>).</param>
/// <param name="AutoencoderTitle">The left panel's title: the network's layers and its accuracy.</param>
/// <param name="Network">The fitted autoencoder's network, as the library describes it.</param>
public sealed record Embedding2DResult(string ImagePath, double AutoencoderAccuracy, double PcaAccuracy, int TrainRows, int TestRows,
    int Epochs, TimeSpan Elapsed, IReadOnlyList<(int Class, double X, double Y)> AutoencoderPoints, IReadOnlyList<(int Class, double X, double Y)> PcaPoints,
    string ResultsPath, SampleArchitecture Architecture, string AutoencoderTitle, NetworkDescription Network);

/// <summary>
/// Fashion-MNIST mapped to 2-D by an autoencoder (784-256-64-2, or with <c>--architecture conv</c> a convolutional
/// 1x28x28-conv[32,64]-256-64-2) and by ML.NET's PCA (rank 2), test images drawn as points coloured by class, with the
/// 5-nearest-neighbour test accuracy of each map (training images as reference).
/// </summary>
public static class Embedding2DSample
{
    /// <summary>The sample's folder under samples/.</summary>
    public const string Project = "Embedding2D";

    /// <summary>The results file's name (without .json) and README's block name.</summary>
    public const string ResultsName = "embedding2d";

    /// <summary>Training images used on the full dataset unless --rows says otherwise.</summary>
    public const int DefaultTrainRows = 60_000;

    /// <summary>Epochs on the full dataset (capped rows).</summary>
    public const int DefaultEpochsFullDataset = 15;

    /// <summary>Epochs on the embedded 5,000-image subset.</summary>
    public const int DefaultEpochsEmbeddedSubset = 40;

    /// <summary>The k of the k-NN accuracy.</summary>
    public const int Neighbors = 5;

    /// <summary>Rank of ML.NET's PCA, the map compared with.</summary>
    public const int PcaRank = 2;

    private const int MaxPointsDrawn = 5_000;
    private static readonly SampleLayers Layers = new(Perceptron: [256, 64], AfterStages: [256, 64]);

    /// <summary>Trains, projects, classifies and draws <c>embedding2d.png</c> in the output folder.</summary>
    public static Embedding2DResult Run(SampleSettings settings)
    {
        var log = settings.Log;
        var total = Stopwatch.StartNew();
        var resultsFile = new ResultsFile(ResultsName, Project);
        var mlContext = new MLContext(seed: 1);
        var data = GalleryData.Load(mlContext, settings, DefaultTrainRows);
        var epochs = data.Epochs(settings, DefaultEpochsFullDataset, DefaultEpochsEmbeddedSubset);
        var network = settings.Architecture;
        var architecture = SampleNetworks.Describe(network, Layers, "2");

        log.WriteLine();
        log.WriteLine($"Training the {network.Adjective()} autoencoder {architecture} on {data.Train.Count:N0} images for {epochs} epochs...");
        using var autoencoder = mlContext.Transforms.Autoencoder(Options(network, epochs, log)).Fit(data.TrainView);
        var codeTrain = Columns.ReadVectors(autoencoder.Transform(data.TrainView), "Embedding");
        var codeTest = Columns.ReadVectors(autoencoder.Transform(data.TestView), "Embedding");

        log.WriteLine("Fitting ML.NET ProjectToPrincipalComponents (rank 2)...");
        var pca = mlContext.Transforms.ProjectToPrincipalComponents("Pca", "Features", rank: PcaRank, seed: 1).Fit(data.TrainView);
        var pcaTrain = Columns.ReadVectors(pca.Transform(data.TrainView), "Pca");
        var pcaTest = Columns.ReadVectors(pca.Transform(data.TestView), "Pca");

        log.WriteLine($"Classifying {data.Test.Count:N0} test images by their {Neighbors} nearest training images in each map...");
        var autoencoderAccuracy = NearestNeighbors.Accuracy(codeTrain, data.Train.Labels, codeTest, data.Test.Labels, Neighbors);
        var pcaAccuracy = NearestNeighbors.Accuracy(pcaTrain, data.Train.Labels, pcaTest, data.Test.Labels, Neighbors);

        var autoencoderTitle = $"{(network == SampleArchitecture.Conv ? "Conv autoencoder" : "Autoencoder")} {architecture}: " +
                               $"{Neighbors}-NN test accuracy {autoencoderAccuracy:P1}";
        var (imagePath, autoencoderPoints, pcaPoints) = Draw(Path.Combine(settings.OutputDirectory, "embedding2d.png"), data, codeTest, pcaTest,
            autoencoderTitle,
            $"ML.NET PCA, rank 2: {Neighbors}-NN test accuracy {pcaAccuracy:P1}");

        var elapsed = total.Elapsed;
        var resultsPath = resultsFile.Write(settings, data, epochs, elapsed, [imagePath], new
        {
            Network = network.Argument(),
            Architecture = architecture,
            Parameters = autoencoder.Architecture.ParameterCount,
            Neighbors,
            AutoencoderAccuracy = autoencoderAccuracy,
            PcaRank,
            PcaAccuracy = pcaAccuracy,
            PointsDrawn = autoencoderPoints.Count,
        });
        var result = new Embedding2DResult(imagePath, autoencoderAccuracy, pcaAccuracy, data.Train.Count, data.Test.Count, epochs, elapsed,
            autoencoderPoints, pcaPoints, resultsPath, network, autoencoderTitle, autoencoder.Architecture);
        log.WriteLine();
        log.WriteLine($"| Embedding2D                | value |");
        log.WriteLine($"|----------------------------|-------|");
        log.WriteLine($"| train / test images        | {result.TrainRows:N0} / {result.TestRows:N0} ({(data.IsEmbeddedSubset ? "embedded subset" : "full dataset")}) |");
        log.WriteLine($"| autoencoder                | {architecture} ({network.Adjective()}) |");
        log.WriteLine($"| epochs                     | {epochs} |");
        log.WriteLine($"| {Neighbors}-NN accuracy, autoencoder | {autoencoderAccuracy:P1} |");
        log.WriteLine($"| {Neighbors}-NN accuracy, PCA         | {pcaAccuracy:P1} |");
        log.WriteLine($"| image                      | {imagePath} |");
        log.WriteLine($"| results                    | {resultsPath} |");
        log.WriteLine($"| total time                 | {result.Elapsed.TotalSeconds:F1} s |");
        return result;
    }

    /// <summary>The autoencoder of the sample: 784-256-64-2 or 1x28x28-conv[32,64]-256-64-2, sigmoid output, the same training settings.</summary>
    internal static AutoencoderOptions Options(SampleArchitecture architecture, int epochs, TextWriter log) => new AutoencoderOptions
    {
        LatentDimension = 2,
        OutputActivation = Activation.Sigmoid,
        NumberOfEpochs = epochs,
        BatchSize = 128,
        LearningRate = 2e-3,
        Seed = 1,
        Progress = new TrainingLog(log, "autoencoder"),
        ReconstructionColumnName = null,
        ReconstructionErrorColumnName = null,
    }.WithNetwork(architecture, Layers);

    private static (string Path, IReadOnlyList<(int Class, double X, double Y)> Autoencoder, IReadOnlyList<(int Class, double X, double Y)> Pca) Draw(
        string path, GalleryData data, float[][] codeTest, float[][] pcaTest, string autoencoderTitle, string pcaTitle)
    {
        var drawn = Math.Min(MaxPointsDrawn, data.Test.Count);
        var labels = data.Test.Labels[..drawn];
        const int panel = 640, legendWidth = 150, top = 44;
        using var figure = new Figure(2 * panel + legendWidth, panel + top);
        figure.Text($"Fashion-MNIST test images in 2-D ({drawn:N0} drawn; colour = class)", figure.Width / 2f, 28, 18, SKTextAlign.Center, bold: true);
        var autoencoderPlot = ClassScatter.Plot(codeTest[..drawn], labels, FashionMnist.ClassCount, autoencoderTitle, "code unit 1", "code unit 2");
        figure.Plot(autoencoderPlot, new SKRect(0, top, panel, top + panel));
        var pcaPlot = ClassScatter.Plot(pcaTest[..drawn], labels, FashionMnist.ClassCount, pcaTitle, "principal component 1", "principal component 2");
        figure.Plot(pcaPlot, new SKRect(panel, top, 2 * panel, top + panel));
        ClassScatter.Legend(figure, FashionMnist.ClassNames, 2 * panel + 10, top + 80);
        return (figure.SavePng(path), ClassScatter.Points(autoencoderPlot), ClassScatter.Points(pcaPlot));
    }
}
