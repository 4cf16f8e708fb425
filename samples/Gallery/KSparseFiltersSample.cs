using System.Diagnostics;
using Microsoft.ML;
using MLNetAutoencoders.Samples.Gallery.Analysis;
using MLNetAutoencoders.Samples.Gallery.Drawing;
using SkiaSharp;

namespace MLNetAutoencoders.Samples.Gallery;

/// <summary>One k-sparse autoencoder of <see cref="KSparseFiltersSample"/>.</summary>
/// <param name="K">Code units kept per image.</param>
/// <param name="TestMse">Mean squared reconstruction error on the test images.</param>
/// <param name="UnitsUsed">Code units active on at least one of the test or (first 5,000) training images (of <see cref="KSparseFiltersSample.LatentDimension"/>).</param>
/// <param name="DecoderResidual">Largest |W c + b - reconstruction| of the recovered decoder: round-off when it is exact.</param>
/// <param name="FilterUnits">The code unit whose filter each tile of the panel shows, most used first.</param>
/// <param name="FilterUses">In how many of the scored rows each of those units was active.</param>
/// <param name="UnidentifiedUnits">Active units the rows cannot tell apart, drawn blank (<see cref="LinearDecoder.UnidentifiedUnits"/>).</param>
public sealed record KSparseFilterSet(int K, double TestMse, int UnitsUsed, double DecoderResidual, int[] FilterUnits, int[] FilterUses,
    int UnidentifiedUnits);

/// <summary>What <see cref="KSparseFiltersSample.Run"/> measured and wrote.</summary>
/// <param name="ImagePath">The PNG: the decoder filters of each k, one grid per k.</param>
/// <param name="Sets">One entry per k, in the order of <see cref="KSparseFiltersSample.Ks"/>.</param>
/// <param name="TrainRows">Training images used.</param>
/// <param name="TestRows">Test images scored.</param>
/// <param name="Epochs">Training epochs of each autoencoder.</param>
/// <param name="Elapsed">Wall-clock time of the whole sample.</param>
/// <param name="Tiles">Where each filter was drawn: one panel "k = K" per set, index = place in <see cref="KSparseFilterSet.FilterUnits"/>.</param>
/// <param name="ResultsPath">The results file beside the PNG, <c>ksparse-filters.json</c>: the run and each k's figures (<see cref="ResultsFile"/>).</param>
public sealed record KSparseFiltersResult(string ImagePath, IReadOnlyList<KSparseFilterSet> Sets, int TrainRows, int TestRows, int Epochs,
    TimeSpan Elapsed, IReadOnlyList<ImageTile> Tiles, string ResultsPath);

/// <summary>
/// The filters k-sparse autoencoders learn (Makhzani &amp; Frey 2013, figure 1) for k = 70, 40, 25, 10: one layer of
/// 100 linear code units of which only the k largest are kept, and a linear decoder. Each filter is a column of the
/// decoder's weight matrix shown as a 28x28 image. The smaller k, the fewer filters add up to an image, so each one
/// becomes more global: as in the paper, k = 10 learns whole-item templates rather than parts.
/// </summary>
public static class KSparseFiltersSample
{
    /// <summary>The sample's folder under samples/.</summary>
    public const string Project = "KSparseFilters";

    /// <summary>The results file's name (without .json) and README's block name.</summary>
    public const string ResultsName = "ksparse-filters";

    /// <summary>The sparsity levels of the lecture's figure.</summary>
    public static IReadOnlyList<int> Ks { get; } = [70, 40, 25, 10];

    /// <summary>Code units (the hidden layer); the figure shows all of them.</summary>
    public const int LatentDimension = 100;

    /// <summary>Training images used on the full dataset unless --rows says otherwise.</summary>
    public const int DefaultTrainRows = 30_000;

    /// <summary>Epochs of each autoencoder on the full dataset (capped rows).</summary>
    public const int DefaultEpochsFullDataset = 10;

    /// <summary>Epochs of each autoencoder on the embedded 5,000-image subset.</summary>
    public const int DefaultEpochsEmbeddedSubset = 25;

    private const int GridColumns = 10;

    // Training images scored, with the test images, to recover each decoder (101 unknowns per pixel).
    private const int DecoderRecoveryRows = 5_000;

    /// <summary>Trains one k-sparse autoencoder per k, recovers its decoder and draws <c>ksparse-filters.png</c>.</summary>
    public static KSparseFiltersResult Run(SampleSettings settings)
    {
        var log = settings.Log;
        var total = Stopwatch.StartNew();
        var resultsFile = new ResultsFile(ResultsName, Project);
        var mlContext = new MLContext(seed: 1);
        var data = GalleryData.Load(mlContext, settings, DefaultTrainRows);
        var epochs = data.Epochs(settings, DefaultEpochsFullDataset, DefaultEpochsEmbeddedSubset);

        var sets = new List<KSparseFilterSet>();
        var filters = new List<float[][]>();
        foreach (var k in Ks)
        {
            log.WriteLine();
            log.WriteLine($"Training the k-sparse autoencoder 784-{LatentDimension}-784, k = {k} (annealed from {LatentDimension} over the first half), " +
                          $"on {data.Train.Count:N0} images for {epochs} epochs...");
            using var model = mlContext.Transforms.Autoencoder(Options(k, epochs, log)).Fit(data.TrainView);
            var train = Columns.ReadVectors(model.Transform(mlContext.Data.TakeRows(data.TrainView, DecoderRecoveryRows)), "Embedding", "Reconstruction");
            var test = Columns.ReadVectors(model.Transform(data.TestView), "Embedding", "Reconstruction");
            var decoder = LinearDecoder.Fit([.. train[0], .. test[0]], [.. train[1], .. test[1]]);
            var testMse = MeanSquaredError.Between(test[1], data.Test.Pixels);
            var units = MostUsedFirst(decoder);
            var set = new KSparseFilterSet(k, testMse, decoder.ActiveRows.Count(n => n > 0), decoder.MaxResidual, units,
                units.Select(j => decoder.ActiveRows[j]).ToArray(), decoder.UnidentifiedUnits);
            log.WriteLine($"  k = {k}: test MSE {testMse:F4}, {set.UnitsUsed}/{LatentDimension} units used, decoder recovered " +
                          $"(largest residual {decoder.MaxResidual:E1}" +
                          (decoder.UnidentifiedUnits > 0 ? $"; {decoder.UnidentifiedUnits} units too rarely active to tell apart, drawn blank)" : ")"));
            sets.Add(set);
            filters.Add(units.Select(j => decoder.Filters[j]).ToArray());
        }

        var (imagePath, tiles) = Draw(Path.Combine(settings.OutputDirectory, "ksparse-filters.png"), sets, filters,
            $"Each: 784 -> {LatentDimension} linear units, top-k kept -> linear decoder, {epochs} epochs on {data.Train.Count:N0} images. " +
            $"Filters ordered by use; grey = 0.");

        var elapsed = total.Elapsed;
        var resultsPath = resultsFile.Write(settings, data, epochs, elapsed, [imagePath], new
        {
            LatentDimension,
            Sets = sets.Select(s => new { s.K, s.TestMse, s.UnitsUsed, s.UnidentifiedUnits, s.DecoderResidual }).ToArray(),
        });
        var result = new KSparseFiltersResult(imagePath, sets, data.Train.Count, data.Test.Count, epochs, elapsed, tiles, resultsPath);
        log.WriteLine();
        log.WriteLine($"| KSparseFilters | test MSE | units used |");
        log.WriteLine($"|----------------|----------|------------|");
        foreach (var set in sets)
            log.WriteLine($"| k = {set.K,-10} | {set.TestMse:F4}   | {set.UnitsUsed}/{LatentDimension} |");
        log.WriteLine($"train / test images: {result.TrainRows:N0} / {result.TestRows:N0} ({(data.IsEmbeddedSubset ? "embedded subset" : "full dataset")}), " +
                      $"{epochs} epochs each");
        log.WriteLine($"image: {imagePath}");
        log.WriteLine($"results: {resultsPath}");
        log.WriteLine($"total time: {result.Elapsed.TotalSeconds:F1} s");
        return result;
    }

    /// <summary>The lecture's setting: no hidden layer, linear code units of which the k largest are kept, linear decoder.</summary>
    internal static AutoencoderOptions Options(int k, int epochs, TextWriter log) => new()
    {
        Kind = AutoencoderKind.KSparse,
        LatentDimension = LatentDimension,
        HiddenLayerSizes = [],
        KSparseK = k,
        OutputActivation = Activation.Identity,
        NumberOfEpochs = epochs,
        BatchSize = 64,
        // A touch of L2 (through Adam's normalised step) clears the initialisation noise from weights the data never
        // push, such as those of the always-black border pixels, so a filter shows only what was learned.
        WeightDecay = 1e-5,
        Seed = 1,
        Progress = new TrainingLog(log, $"k = {k}"),
        ReconstructionErrorColumnName = null,
    };

    private static int[] MostUsedFirst(LinearDecoder decoder) =>
        Enumerable.Range(0, decoder.Filters.Length)
            .OrderByDescending(j => decoder.ActiveRows[j])
            .ToArray();

    private static (string Path, IReadOnlyList<ImageTile> Tiles) Draw(string path, IReadOnlyList<KSparseFilterSet> sets, IReadOnlyList<float[][]> filters, string caption)
    {
        const int scale = 2, gap = 2, tile = 28 * scale + gap, margin = 20, panelTop = 34, top = 48;
        var rows = (LatentDimension + GridColumns - 1) / GridColumns;
        var panelWidth = GridColumns * tile - gap;
        var panelHeight = panelTop + rows * tile - gap;
        const int panelsPerRow = 2;
        var panelRows = (sets.Count + panelsPerRow - 1) / panelsPerRow;
        using var figure = new Figure(margin + panelsPerRow * (panelWidth + margin), top + panelRows * (panelHeight + margin) + 28);
        figure.Text("Decoder filters of k-sparse autoencoders on Fashion-MNIST: the smaller k, the more global the filters",
            figure.Width / 2f, 28, 18, SKTextAlign.Center, bold: true);
        for (var p = 0; p < sets.Count; p++)
        {
            var left = margin + p % panelsPerRow * (panelWidth + margin);
            var panelY = top + p / panelsPerRow * (panelHeight + margin);
            var set = sets[p];
            figure.Text($"k = {set.K}   (test MSE {set.TestMse:F4}, {set.UnitsUsed}/{LatentDimension} units used)",
                left + panelWidth / 2f, panelY + 22, 15, SKTextAlign.Center, bold: true);
            for (var j = 0; j < filters[p].Length; j++)
            {
                var x = left + j % GridColumns * tile;
                var y = panelY + panelTop + j / GridColumns * tile;
                figure.GreyImage(Tones.Symmetric(filters[p][j]), 28, 28, new SKRect(x, y, x + 28 * scale, y + 28 * scale), $"k = {set.K}", j);
            }
        }
        figure.Text(caption, figure.Width / 2f, figure.Height - 12, 13, SKTextAlign.Center);
        return (figure.SavePng(path, greyScale: true), figure.Tiles);
    }
}
