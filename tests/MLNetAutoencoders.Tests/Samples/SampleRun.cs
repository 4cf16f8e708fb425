using System.Text.Json.Nodes;
using Microsoft.ML;
using MLNetAutoencoders.Benchmarks;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.SampleData;
using MLNetAutoencoders.Samples.Gallery;
using MLNetAutoencoders.Samples.Gallery.Drawing;
using SkiaSharp;
using Xunit;

namespace MLNetAutoencoders.Tests.Samples;

/// <summary>
/// A gallery sample run with tiny settings in its own temp folder: the embedded Fashion-MNIST subset (whatever is
/// installed, so the results do not depend on the machine), a few hundred rows, one or two epochs.
/// </summary>
public sealed class SampleRun : IDisposable
{
    /// <param name="architecture">The network the sample trains; <c>--architecture</c> is among the arguments recorded only when it is given.</param>
    public SampleRun(int rows, int testRows, int epochs, SampleArchitecture? architecture = null)
    {
        var output = Path.Combine(Folder, "out");
        var data = Path.Combine(Folder, "no-dataset-here");
        Settings = new SampleSettings
        {
            OutputDirectory = output,
            Rows = rows,
            TestRows = testRows,
            Epochs = epochs,
            DataDirectory = data,
            Architecture = architecture ?? SampleArchitecture.Mlp,
            Arguments = ["--rows", $"{rows}", "--epochs", $"{epochs}", "--output", output, "--data", data,
                .. architecture is { } a ? new[] { "--architecture", a.Argument() } : []],
            Log = Log,
        };
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "mlnetae-gallery-" + Guid.NewGuid().ToString("N"));

    public StringWriter Log { get; } = new();

    public SampleSettings Settings { get; }

    /// <summary>The training images the sample read (the embedded subset's first <c>rows</c>).</summary>
    public FashionMnistSplit Train => FashionMnist.Load(FashionMnistSplitName.Train, Settings.Rows, Settings.DataDirectory);

    /// <summary>The test images the sample read.</summary>
    public FashionMnistSplit Test => FashionMnist.Load(FashionMnistSplitName.Test, Settings.TestRows, Settings.DataDirectory);

    /// <summary>A model the sample trained, trained again with the sample's options on the same images (training is deterministic).</summary>
    public T TrainAgain<T>(Func<MLContext, IDataView, T> fit) => fit(new MLContext(seed: 1), Train.ToDataView(new MLContext(seed: 1)));

    public void Dispose()
    {
        if (Directory.Exists(Folder))
            Directory.Delete(Folder, recursive: true);
    }

    /// <summary>The file is in the output folder, over <paramref name="minimumKilobytes"/> KB, decodes as a PNG and is not one flat colour.</summary>
    public void AssertPicture(string path, int minimumKilobytes)
    {
        Assert.Equal(Path.GetFullPath(Settings.OutputDirectory), Path.GetDirectoryName(path));
        Assert.True(File.Exists(path), $"{path} was not written");
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > minimumKilobytes * 1024, $"{path} has only {bytes.Length} bytes");
        Assert.Equal(SKEncodedImageFormat.Png, SKCodec.Create(new MemoryStream(bytes))?.EncodedFormat);
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        var colours = new HashSet<SKColor>();
        for (var y = 0; y < bitmap.Height; y += 3)
            for (var x = 0; x < bitmap.Width; x += 3)
                colours.Add(bitmap.GetPixel(x, y));
        Assert.True(colours.Count > 50, $"{path} has only {colours.Count} distinct colours");
    }

    /// <summary>
    /// Asserts that the sample wrote <c>{name}.json</c> beside its PNGs, recording the command of this run, the commit,
    /// the embedded subset and the rows and epochs used, and that README's renderer of the block <paramref name="name"/>
    /// reads it; returns it for the sample's own figures.
    /// </summary>
    public JsonNode AssertResultsFile(string path, string name, string project, int trainRows)
    {
        Assert.Equal(Path.Combine(Path.GetFullPath(Settings.OutputDirectory), name + ".json"), path);
        var results = JsonNode.Parse(File.ReadAllText(path))!;
        var run = results["run"]!;
        Assert.Equal($"dotnet run --project samples/{project} -c Release -- {string.Join(' ', Settings.Arguments)}", (string?)run["command"]);
        Assert.Matches("^[0-9a-f]{40}$", (string?)run["commit"]);
        Assert.NotNull((bool?)run["dirty"]);
        Assert.True(DateTimeOffset.Parse((string)run["started"]!) <= DateTimeOffset.Parse((string)run["finished"]!));
        Assert.Equal(Environment.ProcessorCount, (int?)run["machine"]!["logicalCores"]);
        Assert.Equal(("embedded subset", trainRows, Settings.TestRows, Settings.Epochs), ((string?)results["dataset"], (int)results["trainRows"]!,
            (int?)results["testRows"], (int?)results["epochs"]));
        var rendered = (string)ReadmeBlocks.Renderer(name).Invoke(null, [results])!;
        Assert.Contains($"`{run["command"]}` · commit {((string)run["commit"]!)[..7]}", rendered);
        return results;
    }

    /// <summary>
    /// Asserts that the tile of the PNG shows <paramref name="image"/> (28x28, row-major) through <paramref name="tone"/>
    /// (value to grey level 0-255, not rounded): every block of the tile, read at its centre, within
    /// <paramref name="tolerance"/> grey levels.
    /// </summary>
    public static void AssertTileShows(SKBitmap png, ImageTile tile, ReadOnlySpan<float> image, Func<float, double> tone, double tolerance, string what)
    {
        const int side = 28;
        Assert.Equal(side * side, image.Length);
        Assert.True(tile.Width == tile.Height && tile.Width % side == 0, $"{what}: a {tile.Width}x{tile.Height} tile is not a scaled 28x28 image");
        var scale = tile.Width / side;
        var worst = (Difference: 0.0, Row: 0, Column: 0, Grey: 0, Expected: 0.0);
        for (var row = 0; row < side; row++)
        {
            for (var column = 0; column < side; column++)
            {
                var colour = png.GetPixel(tile.X + column * scale + scale / 2, tile.Y + row * scale + scale / 2);
                Assert.True(colour.Red == colour.Green && colour.Green == colour.Blue, $"{what}: pixel ({row}, {column}) is not grey: {colour}");
                var expected = tone(image[row * side + column]);
                var difference = Math.Abs(colour.Red - expected);
                if (difference > worst.Difference)
                    worst = (difference, row, column, colour.Red, expected);
            }
        }
        Assert.True(worst.Difference <= tolerance,
            $"{what} ({tile.Group} #{tile.Index} at {tile.X}, {tile.Y}): pixel ({worst.Row}, {worst.Column}) is grey {worst.Grey}, the image's tone is {worst.Expected:F1}");
    }

    /// <summary>The tone of an image in [0, 1]: 0 black, 1 white, clipped.</summary>
    public static double UnitTone(float value) => 255.0 * Math.Clamp(value, 0f, 1f);

    /// <summary>The decoded PNG.</summary>
    public static SKBitmap Decode(string path) => SKBitmap.Decode(path) ?? throw new InvalidDataException($"{path} is not an image");

    /// <summary>
    /// Asserts that <paramref name="network"/> is the conv path's network (design §1): a 1 x 28 x 28 image, convolution
    /// stages of 32 and 64 channels, no hidden layers, the code size given; and that the results file names it so.
    /// </summary>
    public static void AssertConvolutionalNetwork(NetworkDescription network, int[] denseLayers, int latentDimension, JsonNode results, string architecture)
    {
        Assert.Equal(new ImageShape(1, 28, 28), network.ImageShape);
        Assert.Equal(new[] { 32, 64 }, network.Convolution!.Stages.Select(s => s.OutputChannels));
        Assert.Equal(denseLayers, network.HiddenSizes);
        Assert.Equal((784, latentDimension), (network.InputSize, network.LatentDimension));
        Assert.Equal(("conv", architecture, network.ParameterCount),
            ((string?)results["network"], (string?)results["architecture"], (long)results["parameters"]!));
    }

    /// <summary>The tiles of one row or panel, by index.</summary>
    public static ImageTile[] Group(IReadOnlyList<ImageTile> tiles, string group) =>
        tiles.Where(t => t.Group == group).OrderBy(t => t.Index).ToArray();
}
