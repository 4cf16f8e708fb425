using System.Diagnostics;
using Microsoft.ML;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.SampleData;
using MLNetAutoencoders.Samples.Gallery.Analysis;
using MLNetAutoencoders.Samples.Gallery.Drawing;
using SkiaSharp;

namespace MLNetAutoencoders.Samples.Gallery;

/// <summary>What <see cref="VaeGenerationSample.Run"/> measured and wrote.</summary>
/// <param name="PriorSamplesPath">The PNG of new items decoded from z drawn from the prior N(0, I).</param>
/// <param name="ManifoldPath">The PNG of the 2-D VAE's decoder over a regular grid of its latent plane.</param>
/// <param name="InterpolationPath">The PNG of decoded straight lines in latent space between pairs of test items.</param>
/// <param name="TestReconstructionMse">Mean squared error of the VAE's reconstructions (decoded posterior means) of the test images.</param>
/// <param name="MeanImageBaselineMse">Mean squared error of the mean test image taken as every test image's reconstruction: the bar a reconstruction must clear.</param>
/// <param name="PriorMeanImageMse">Mean squared difference between the mean prior sample and the mean test image.</param>
/// <param name="MeanImageEnergy">Mean squared value of the mean test image: the <see cref="PriorMeanImageMse"/> of all-black samples.</param>
/// <param name="ManifoldLatentSpread">Standard deviation of the 2-D VAE's test embeddings (posterior means) per axis, averaged: about 1 when the codes fill the prior.</param>
/// <param name="TrainRows">Training images used.</param>
/// <param name="TestRows">Test images reconstructed.</param>
/// <param name="Epochs">Training epochs of each VAE.</param>
/// <param name="Elapsed">Wall-clock time of the whole sample.</param>
/// <param name="PriorSampleTiles">Where each prior sample was drawn: group "prior samples", index = row of <c>sampler.Generate</c>.</param>
/// <param name="ManifoldTiles">Where the decoding of each grid point was drawn: group "manifold", index = place in <see cref="VaeGenerationSample.ManifoldGrid"/>.</param>
/// <param name="InterpolatedItems">The test items of each interpolation strip, top to bottom.</param>
/// <param name="InterpolationTiles">The strips: group = the first item's class name; index 0 the first test image, 1 to
/// <see cref="VaeGenerationSample.InterpolationSteps"/> the decoded path, the last the second test image.</param>
/// <param name="ResultsPath">The results file beside the PNGs, <c>vae-generation.json</c>: the run and these figures (<see cref="ResultsFile"/>).</param>
/// <param name="Architecture">The network of both VAEs (<c>--architecture</c>): its decoders draw every tile.</param>
/// <param name="Captions">The three figures' captions, in the order of the paths: each names the network that drew it.</param>
/// <param name="Network">The fitted VAE's network (latent <see cref="VaeGenerationSample.LatentDimension"/>), as the library describes it.</param>
/// <param name="ManifoldNetwork">The fitted 2-D VAE's network, whose decoder drew the manifold.</param>
/// <param name="PriorSamples">The prior samples drawn, in the order of their tiles (decoder means, 784 values each).</param>
/// <param name="ManifoldDecodings">The 2-D VAE's decodings of <see cref="VaeGenerationSample.ManifoldGrid"/>, in the order of their tiles.</param>
public sealed record VaeGenerationResult(string PriorSamplesPath, string ManifoldPath, string InterpolationPath, double TestReconstructionMse,
    double MeanImageBaselineMse, double PriorMeanImageMse, double MeanImageEnergy, double ManifoldLatentSpread, int TrainRows, int TestRows, int Epochs,
    TimeSpan Elapsed, IReadOnlyList<ImageTile> PriorSampleTiles, IReadOnlyList<ImageTile> ManifoldTiles, IReadOnlyList<(int From, int To)> InterpolatedItems,
    IReadOnlyList<ImageTile> InterpolationTiles, string ResultsPath, SampleArchitecture Architecture, IReadOnlyList<string> Captions,
    NetworkDescription Network, NetworkDescription ManifoldNetwork, IReadOnlyList<float[]> PriorSamples, IReadOnlyList<float[]> ManifoldDecodings);

/// <summary>
/// A variational autoencoder (Kingma &amp; Welling 2014) generating Fashion-MNIST items: a grid of samples decoded from
/// the prior, the decoder of a VAE with a 2-D latent space drawn over a regular grid of that plane (the paper's
/// "learned manifold" figure), and decoded straight lines in latent space between pairs of test items. Both VAEs have
/// one hidden layer of 512 ReLU units, a sigmoid output and a Bernoulli likelihood (binary cross-entropy), as in the paper;
/// with <c>--architecture conv</c> both are convolutional (1x28x28-conv[32,64]-z, same likelihood, output and training).
/// </summary>
public static class VaeGenerationSample
{
    /// <summary>The sample's folder under samples/.</summary>
    public const string Project = "VaeGeneration";

    /// <summary>The results file's name (without .json) and README's block name.</summary>
    public const string ResultsName = "vae-generation";

    /// <summary>Seed of the prior draws (<c>sampler.Generate</c>).</summary>
    public const int PriorSeed = 7;

    /// <summary>Training images used on the full dataset unless --rows says otherwise.</summary>
    public const int DefaultTrainRows = 60_000;

    /// <summary>Epochs of each VAE on the full dataset.</summary>
    public const int DefaultEpochsFullDataset = 15;

    /// <summary>Epochs of each VAE on the embedded 5,000-image subset.</summary>
    public const int DefaultEpochsEmbeddedSubset = 60;

    /// <summary>Latent size of the VAE whose prior samples and interpolations are drawn.</summary>
    public const int LatentDimension = 16;

    /// <summary>Prior samples drawn in the grid (and averaged for <see cref="VaeGenerationResult.PriorMeanImageMse"/>).</summary>
    public const int PriorGridSide = 10;

    /// <summary>Points per side of the manifold grid.</summary>
    public const int ManifoldGridSide = 20;

    /// <summary>The manifold grid spans [-ManifoldExtent, ManifoldExtent] on both latent axes (95 % of the prior's mass per axis).</summary>
    public const float ManifoldExtent = 1.96f;

    /// <summary>Points of each interpolation, both reconstructions included.</summary>
    public const int InterpolationSteps = 10;

    /// <summary>The class pairs interpolated, by class index: the first test image of each class is used.</summary>
    public static IReadOnlyList<(int From, int To)> InterpolatedClasses { get; } = [(7, 9), (0, 3), (1, 8), (2, 5)];

    private static readonly SampleLayers Layers = new(Perceptron: [512], AfterStages: []);

    /// <summary>Trains both VAEs, samples and draws <c>vae-prior-samples.png</c>, <c>vae-manifold.png</c> and <c>vae-interpolation.png</c>.</summary>
    public static VaeGenerationResult Run(SampleSettings settings)
    {
        var log = settings.Log;
        var total = Stopwatch.StartNew();
        var resultsFile = new ResultsFile(ResultsName, Project);
        var mlContext = new MLContext(seed: 1);
        var data = GalleryData.Load(mlContext, settings, DefaultTrainRows);
        var epochs = data.Epochs(settings, DefaultEpochsFullDataset, DefaultEpochsEmbeddedSubset);
        var network = settings.Architecture;

        using var vae = Train(mlContext, data, network, LatentDimension, epochs, log);
        using var sampler = mlContext.Transforms.VaeSampler(vae, VaeSamplingMode.Prior, seed: PriorSeed).Fit(data.TestView);

        var reconstructions = Columns.ReadVectors(vae.Transform(data.TestView), "Reconstruction");
        var reconstructionMse = MeanSquaredError.Between(reconstructions, data.Test.Pixels);
        var priorSamples = Columns.ReadVectors(sampler.Generate(PriorGridSide * PriorGridSide), "Sample");
        var meanTestImage = MeanImage(data.Test.ToJaggedImages());
        var meanImageBaselineMse = MeanSquaredError.Between(Enumerable.Repeat(meanTestImage, data.Test.Count).ToArray(), data.Test.Pixels);
        var priorMeanImageMse = MeanSquaredError.Between([MeanImage(priorSamples)], meanTestImage);
        var meanImageEnergy = meanTestImage.Average(v => (double)v * v);
        log.WriteLine($"Test reconstruction MSE {reconstructionMse:F4} (the mean test image's: {meanImageBaselineMse:F4}); mean prior sample vs mean test image: MSE {priorMeanImageMse:F5} " +
                      $"(an all-black sample would give {meanImageEnergy:F5})");

        var pairs = InterpolatedClasses
            .Select(p => (From: Array.IndexOf(data.Test.Labels, p.From), To: Array.IndexOf(data.Test.Labels, p.To)))
            .Where(p => p.From >= 0 && p.To >= 0)
            .ToArray();
        var paths = pairs.Select(p => sampler.Interpolate(data.Test.GetImage(p.From).ToArray(), data.Test.GetImage(p.To).ToArray(), InterpolationSteps)).ToArray();

        using var vae2 = Train(mlContext, data, network, 2, epochs, log);
        var codes = Columns.ReadVectors(vae2.Transform(data.TestView), "Embedding");
        var spread = Enumerable.Range(0, 2).Average(axis => StandardDeviation(codes.Select(c => (double)c[axis])));
        var grid = ManifoldGrid();
        using var decoder = mlContext.Transforms.VaeSampler(vae2, VaeSamplingMode.Decode).Fit(VectorData.ToDataView(mlContext, "Embedding", grid));
        var manifold = Columns.ReadVectors(decoder.Transform(VectorData.ToDataView(mlContext, "Embedding", grid)), "Sample");
        log.WriteLine($"2-D VAE: test codes have a standard deviation of {spread:F2} per axis (the prior's is 1)");

        var architecture = SampleNetworks.Describe(network, Layers, $"{LatentDimension}");
        var manifoldArchitecture = SampleNetworks.Describe(network, Layers, "2");
        var vaeName = network == SampleArchitecture.Conv ? "Convolutional VAE" : "VAE";
        var trained = $"{epochs} epochs on {data.Train.Count:N0} images";
        string[] captions =
        [
            $"{vaeName} {architecture}, {trained}; z ~ N(0, I), decoder mean shown.",
            $"{vaeName} {manifoldArchitecture}, {trained}; z on a {ManifoldGridSide}x{ManifoldGridSide} grid over [-{ManifoldExtent}, {ManifoldExtent}]².",
            $"{vaeName} {architecture}, {trained}; z = (1 - t) mu(a) + t mu(b), decoded.",
        ];
        var (priorPath, priorTiles) = DrawPriorSamples(Path.Combine(settings.OutputDirectory, "vae-prior-samples.png"), priorSamples, captions[0]);
        var (manifoldPath, manifoldTiles) = DrawManifold(Path.Combine(settings.OutputDirectory, "vae-manifold.png"), manifold, captions[1]);
        var (interpolationPath, interpolationTiles) = DrawInterpolations(Path.Combine(settings.OutputDirectory, "vae-interpolation.png"), data, pairs, paths,
            captions[2]);

        var elapsed = total.Elapsed;
        var resultsPath = resultsFile.Write(settings, data, epochs, elapsed, [priorPath, manifoldPath, interpolationPath], new
        {
            Network = network.Argument(),
            Architecture = architecture,
            Parameters = vae.Architecture.ParameterCount,
            TestReconstructionMse = reconstructionMse,
            MeanImageBaselineMse = meanImageBaselineMse,
            PriorSamples = priorSamples.Length,
            PriorMeanImageMse = priorMeanImageMse,
            MeanImageEnergy = meanImageEnergy,
            ManifoldArchitecture = manifoldArchitecture,
            ManifoldGridSide,
            ManifoldLatentSpread = spread,
            Interpolations = pairs.Length,
            InterpolationSteps,
        });
        var result = new VaeGenerationResult(priorPath, manifoldPath, interpolationPath, reconstructionMse, meanImageBaselineMse, priorMeanImageMse,
            meanImageEnergy, spread, data.Train.Count, data.Test.Count, epochs, elapsed, priorTiles, manifoldTiles, pairs, interpolationTiles, resultsPath,
            network, captions, vae.Architecture, vae2.Architecture, priorSamples, manifold);
        log.WriteLine();
        log.WriteLine($"| VaeGeneration                          | value |");
        log.WriteLine($"|----------------------------------------|-------|");
        log.WriteLine($"| train / test images                    | {result.TrainRows:N0} / {result.TestRows:N0} ({(data.IsEmbeddedSubset ? "embedded subset" : "full dataset")}) |");
        log.WriteLine($"| VAEs                                   | {architecture} and {manifoldArchitecture} ({network.Adjective()}) |");
        log.WriteLine($"| epochs (each VAE)                      | {epochs} |");
        log.WriteLine($"| test reconstruction MSE (latent {LatentDimension})    | {reconstructionMse:F4} (mean test image: {meanImageBaselineMse:F4}) |");
        log.WriteLine($"| mean prior sample vs mean test image   | MSE {priorMeanImageMse:F5} (all-black: {meanImageEnergy:F5}) |");
        log.WriteLine($"| 2-D VAE test code spread per axis      | {spread:F2} |");
        log.WriteLine($"| images                                 | {priorPath}, {manifoldPath}, {interpolationPath} |");
        log.WriteLine($"| results                                | {resultsPath} |");
        log.WriteLine($"| total time                             | {result.Elapsed.TotalSeconds:F1} s |");
        return result;
    }

    /// <summary>The VAE of the sample: one hidden layer (or the conv stages), sigmoid output, Bernoulli likelihood.</summary>
    internal static AutoencoderOptions Options(SampleArchitecture architecture, int latentDimension, int epochs, TextWriter log) => new AutoencoderOptions
    {
        Kind = AutoencoderKind.Variational,
        Likelihood = VaeLikelihood.Bernoulli,
        OutputActivation = Activation.Sigmoid,
        LatentDimension = latentDimension,
        NumberOfEpochs = epochs,
        BatchSize = 128,
        LearningRate = 1e-3,
        Seed = 1,
        Progress = new TrainingLog(log, $"VAE, latent {latentDimension}"),
        ReconstructionErrorColumnName = null,
    }.WithNetwork(architecture, Layers);

    /// <summary>Row-major points of a regular grid over the latent plane: x grows to the right, y upwards (first row at the top).</summary>
    public static float[][] ManifoldGrid()
    {
        var points = new float[ManifoldGridSide * ManifoldGridSide][];
        for (var row = 0; row < ManifoldGridSide; row++)
            for (var column = 0; column < ManifoldGridSide; column++)
                points[row * ManifoldGridSide + column] = [Coordinate(column), Coordinate(ManifoldGridSide - 1 - row)];
        return points;

        static float Coordinate(int i) => -ManifoldExtent + 2 * ManifoldExtent * i / (ManifoldGridSide - 1);
    }

    private static AutoencoderEmbeddingTransformer Train(MLContext mlContext, GalleryData data, SampleArchitecture architecture, int latentDimension,
        int epochs, TextWriter log)
    {
        log.WriteLine();
        log.WriteLine($"Training the {architecture.Adjective()} VAE {SampleNetworks.Describe(architecture, Layers, $"{latentDimension}")} " +
                      $"(Bernoulli likelihood) on {data.Train.Count:N0} images for {epochs} epochs...");
        return mlContext.Transforms.Autoencoder(Options(architecture, latentDimension, epochs, log)).Fit(data.TrainView);
    }

    private static float[] MeanImage(float[][] images)
    {
        var mean = new float[images[0].Length];
        foreach (var image in images)
            for (var i = 0; i < mean.Length; i++)
                mean[i] += image[i] / images.Length;
        return mean;
    }

    private static double StandardDeviation(IEnumerable<double> values)
    {
        var list = values.ToList();
        var mean = list.Average();
        return Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / list.Count);
    }

    private static (string Path, IReadOnlyList<ImageTile> Tiles) DrawPriorSamples(string path, float[][] samples, string caption)
    {
        const int scale = 2, gap = 4, tile = 28 * scale + gap, margin = 24, top = 50;
        var side = PriorGridSide * tile - gap;
        using var figure = new Figure(Math.Max(side + 2 * margin, 720), top + side + 40);
        var left = (figure.Width - side) / 2;
        figure.Text("New Fashion-MNIST items sampled from a VAE's prior", figure.Width / 2f, 30, 18, SKTextAlign.Center, bold: true);
        for (var i = 0; i < samples.Length; i++)
        {
            var x = left + i % PriorGridSide * tile;
            var y = top + i / PriorGridSide * tile;
            figure.GreyImage(Tones.FromUnitInterval(samples[i]), 28, 28, new SKRect(x, y, x + 28 * scale, y + 28 * scale), "prior samples", i);
        }
        figure.Text(caption, figure.Width / 2f, figure.Height - 14, 13, SKTextAlign.Center);
        return (figure.SavePng(path, greyScale: true), figure.Tiles);
    }

    private static (string Path, IReadOnlyList<ImageTile> Tiles) DrawManifold(string path, float[][] decoded, string caption)
    {
        const int tile = 28, margin = 100, top = 50;
        var side = ManifoldGridSide * tile;
        using var figure = new Figure(side + 2 * margin, top + side + 70);
        figure.Text("The decoder of a 2-D VAE over a grid of its latent plane", figure.Width / 2f, 30, 18, SKTextAlign.Center, bold: true);
        for (var i = 0; i < decoded.Length; i++)
        {
            var x = margin + i % ManifoldGridSide * tile;
            var y = top + i / ManifoldGridSide * tile;
            figure.GreyImage(Tones.FromUnitInterval(decoded[i]), 28, 28, new SKRect(x, y, x + tile, y + tile), "manifold", i);
        }
        figure.Text($"z2 = {ManifoldExtent}", margin - 8, top + tile / 2f + 5, 14, SKTextAlign.Right);
        figure.Text($"z2 = -{ManifoldExtent}", margin - 8, top + side - tile / 2f + 5, 14, SKTextAlign.Right);
        figure.Text($"z1 = -{ManifoldExtent}", margin, top + side + 22, 14);
        figure.Text($"z1 = {ManifoldExtent}", margin + side, top + side + 22, 14, SKTextAlign.Right);
        figure.Text(caption, figure.Width / 2f, figure.Height - 14, 13, SKTextAlign.Center);
        return (figure.SavePng(path, greyScale: true), figure.Tiles);
    }

    private static (string Path, IReadOnlyList<ImageTile> Tiles) DrawInterpolations(string path, GalleryData data, (int From, int To)[] pairs,
        float[][][] paths, string caption)
    {
        var rows = new ImageRows(InterpolationSteps + 2, labelWidth: 200);
        const int top = 80;
        using var figure = new Figure(rows.Width + 10, top + pairs.Length * rows.Cell + 36);
        figure.Text("Walking in a VAE's latent space from one test item to another", figure.Width / 2f, 30, 18, SKTextAlign.Center, bold: true);
        var captions = new List<string> { "item a" };
        captions.AddRange(Enumerable.Range(0, InterpolationSteps).Select(i => $"t = {(double)i / (InterpolationSteps - 1):0.##}"));
        captions.Add("item b");
        rows.Captions(figure, captions, top - 10);
        for (var p = 0; p < pairs.Length; p++)
        {
            var (from, to) = pairs[p];
            var images = new List<byte[]> { Tones.FromUnitInterval(data.Test.GetImage(from)) };
            images.AddRange(paths[p].Select(point => Tones.FromUnitInterval(point)));
            images.Add(Tones.FromUnitInterval(data.Test.GetImage(to)));
            rows.Row(figure, top + p * rows.Cell, FashionMnist.ClassNames[data.Test.Labels[from]], $"to {FashionMnist.ClassNames[data.Test.Labels[to]]}", images);
        }
        figure.Text(caption, figure.Width / 2f, figure.Height - 14, 13, SKTextAlign.Center);
        return (figure.SavePng(path, greyScale: true), figure.Tiles);
    }
}
