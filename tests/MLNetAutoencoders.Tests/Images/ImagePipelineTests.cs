using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using MLNetAutoencoders.SampleData;
using MLNetAutoencoders.Tests.Infrastructure;
using SkiaSharp;
using Xunit;
using Xunit.Abstractions;

namespace MLNetAutoencoders.Tests.Images;

/// <summary>
/// Fashion-MNIST images of the embedded subset written as 8-bit grayscale PNG files (train and test folders), with the
/// IDX pixels they were written from (byte / 255, row-major).
/// </summary>
public sealed class FashionMnistPngFolder : IDisposable
{
    public const int TrainCount = 300;
    public const int TestCount = 100;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "mlnetae-images-" + Guid.NewGuid().ToString("N"));

    public FashionMnistPngFolder()
    {
        TrainPixels = FashionMnist.LoadEmbedded(FashionMnistSplitName.Train, TrainCount).ToJaggedImages();
        TestPixels = FashionMnist.LoadEmbedded(FashionMnistSplitName.Test, TestCount).ToJaggedImages();
        TrainPaths = Write("train", TrainPixels);
        TestPaths = Write("test", TestPixels);
    }

    public float[][] TrainPixels { get; }
    public float[][] TestPixels { get; }
    public string[] TrainPaths { get; }
    public string[] TestPaths { get; }

    public string Root => _root;

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    private string[] Write(string folder, float[][] images)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, folder)).FullName;
        return images.Select((pixels, i) =>
        {
            var path = Path.Combine(dir, $"{i:D4}.png");
            File.WriteAllBytes(path, EncodeGrayscalePng(pixels, FashionMnistSplit.ImageWidth, FashionMnistSplit.ImageHeight));
            return path;
        }).ToArray();
    }

    /// <summary>An 8-bit grayscale PNG of row-major pixels in [0, 1] (the IDX bytes again: p * 255 rounds back exactly).</summary>
    public static byte[] EncodeGrayscalePng(float[] pixels, int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        var row = new byte[width];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
                row[x] = checked((byte)MathF.Round(pixels[y * width + x] * 255f));
            Marshal.Copy(row, 0, bitmap.GetPixels() + y * bitmap.RowBytes, width);
        }

        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>An 8-bit RGB PNG; <paramref name="color"/> gives the (r, g, b) bytes of pixel (x, y).</summary>
    public static byte[] EncodeColorPng(int width, int height, Func<int, int, (byte R, byte G, byte B)> color)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = color(x, y);
                bitmap.SetPixel(x, y, new SKColor(r, g, b));
            }

        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}

/// <summary>
/// Images straight from ML.NET's image pipeline: LoadImages → ResizeImages → ExtractPixels → Autoencoder. What the
/// network is fed is what ExtractPixels produces; these tests pin down its order and scale for the README's settings.
/// </summary>
public sealed class ImagePipelineTests(FashionMnistPngFolder images, ITestOutputHelper output) : IClassFixture<FashionMnistPngFolder>
{
    private const int Side = 28;
    private const int PixelCount = Side * Side;

    private sealed class ImageRow
    {
        public string ImagePath = "";
    }

    private static IDataView Paths(MLContext ml, IEnumerable<string> paths) =>
        ml.Data.LoadFromEnumerable(paths.Select(p => new ImageRow { ImagePath = p }).ToList());

    /// <summary>The README's settings: one channel (red = gray for a grayscale image), planar, scaled by 1/255, as Single.</summary>
    private static IEstimator<ITransformer> GrayscalePixels(MLContext ml, int side = Side) =>
        ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImageRow.ImagePath))
            .Append(ml.Transforms.ResizeImages("Image", imageWidth: side, imageHeight: side))
            .Append(ml.Transforms.ExtractPixels("Features", "Image",
                colorsToExtract: ImagePixelExtractingEstimator.ColorBits.Red,
                interleavePixelColors: false,
                scaleImage: 1f / 255f,
                offsetImage: 0f,
                outputAsFloatArray: true));

    private static AutoencoderOptions FewEpochs() => new()
    {
        InputColumnName = "Features",
        LatentDimension = 16,
        HiddenLayerSizes = [64],
        OutputActivation = Activation.Sigmoid,
        NumberOfEpochs = 10,
        BatchSize = 32,
        LearningRate = 3e-3,
    };

    [Fact]
    public void TheFixtureWritesGrayscalePngFiles()
    {
        var png = File.ReadAllBytes(images.TestPaths[0]);
        // IHDR: width and height (big-endian) at 16 and 20, bit depth at 24, colour type at 25 (0 = grayscale).
        Assert.Equal(Side, (png[18] << 8) | png[19]);
        Assert.Equal(Side, (png[22] << 8) | png[23]);
        Assert.Equal(8, png[24]);
        Assert.Equal(0, png[25]);
    }

    [Fact]
    public void ExtractPixelsGivesTheIdxPixelsOver255InRowMajorOrder()
    {
        var ml = new MLContext(seed: 1);
        var data = Paths(ml, images.TestPaths);
        var pixels = GrayscalePixels(ml).Fit(data).Transform(data);

        var type = Assert.IsType<VectorDataViewType>(pixels.Schema["Features"].Type);
        Assert.Equal(NumberDataViewType.Single, type.ItemType);
        Assert.Equal(PixelCount, type.Size);
        var extracted = pixels.VectorColumn("Features");
        Assert.Equal(images.TestPixels.Length, extracted.Length);
        for (var i = 0; i < extracted.Length; i++)
        {
            var worst = MaxAbsDifference(extracted[i], images.TestPixels[i]);
            Assert.True(worst <= 1e-6, $"image {i}: largest difference {worst} from IDX byte / 255 at index y * 28 + x");
        }

        // The comparison can tell the orders apart: read column-major (x * 28 + y), the same images are far off.
        var transposedWorst = extracted.Select((v, i) => MaxAbsDifference(Transpose(v), images.TestPixels[i])).Max();
        Assert.True(transposedWorst > 0.5, $"column-major reading differs by only {transposedWorst}");
    }

    [Fact]
    public void ColorPixelsArePlanarRgbByDefaultAndPerPixelRgbWhenInterleaved()
    {
        var ml = new MLContext(seed: 1);
        var path = Path.Combine(images.Root, "color.png");
        // Distinct values per channel and position: r = x, g = 100 + y, b = 200 + (x + y) % 50.
        static (byte, byte, byte) Color(int x, int y) => ((byte)x, (byte)(100 + y), (byte)(200 + (x + y) % 50));
        File.WriteAllBytes(path, FashionMnistPngFolder.EncodeColorPng(Side, Side, Color));
        var data = Paths(ml, [path]);

        float[] Extract(bool interleave) => ml.Transforms.LoadImages("Image", null, nameof(ImageRow.ImagePath))
            .Append(ml.Transforms.ResizeImages("Image", Side, Side))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", ImagePixelExtractingEstimator.ColorBits.Rgb,
                ImagePixelExtractingEstimator.ColorsOrder.ARGB, interleave, scaleImage: 1f / 255f))
            .Fit(data).Transform(data).VectorColumn("Features")[0];

        var planar = Extract(interleave: false);
        var interleaved = Extract(interleave: true);

        Assert.Equal(3 * PixelCount, planar.Length);
        Assert.Equal(3 * PixelCount, interleaved.Length);
        for (var y = 0; y < Side; y++)
            for (var x = 0; x < Side; x++)
            {
                var (r, g, b) = Color(x, y);
                var pixel = y * Side + x;
                Assert.Equal(new[] { r / 255f, g / 255f, b / 255f },
                    new[] { planar[pixel], planar[PixelCount + pixel], planar[2 * PixelCount + pixel] }, new Tolerance(1e-6));
                Assert.Equal(new[] { r / 255f, g / 255f, b / 255f },
                    new[] { interleaved[3 * pixel], interleaved[3 * pixel + 1], interleaved[3 * pixel + 2] }, new Tolerance(1e-6));
            }
    }

    [Fact]
    public void AnAutoencoderAfterExtractPixelsTrainsOnImageFilesAndBeatsTheMeanImage()
    {
        var ml = new MLContext(seed: 1);
        var train = Paths(ml, images.TrainPaths);
        var test = Paths(ml, images.TestPaths);
        using var model = GrayscalePixels(ml).Append(ml.Transforms.Autoencoder(FewEpochs())).Fit(train);
        var scored = model.Transform(test);

        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 16), scored.Schema["Embedding"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, PixelCount), scored.Schema["Reconstruction"].Type);
        var reconstruction = scored.VectorColumn("Reconstruction");
        var errors = scored.ScalarColumn("ReconstructionError");
        Assert.All(errors, e => Assert.True(float.IsFinite(e)));
        Assert.All(reconstruction, r => Assert.All(r, p => Assert.InRange(p, 0f, 1f)));

        // Baseline: every test image predicted by the training images' mean image.
        var mean = Enumerable.Range(0, PixelCount).Select(j => images.TrainPixels.Average(image => image[j])).ToArray();
        var meanImageError = SyntheticData.MeanSquaredError(images.TestPixels, images.TestPixels.Select(_ => mean).ToArray());
        var autoencoderError = errors.Average();
        output.WriteLine($"test reconstruction MSE {autoencoderError:F5}; mean training image {meanImageError:F5}");
        Assert.Equal(SyntheticData.MeanSquaredError(images.TestPixels, reconstruction), autoencoderError, 1e-5);
        Assert.True(autoencoderError < 0.5 * meanImageError,
            $"test reconstruction MSE {autoencoderError:F5}; the mean training image's {meanImageError:F5}");
    }

    /// <summary>The design's conv network at a size these tests afford: 1 x 28 x 28, channels [8, 16], code 8.</summary>
    private static AutoencoderOptions ConvFewEpochs() => new()
    {
        InputColumnName = "Features",
        ImageShape = new ImageShape(1, Side, Side),
        ConvolutionChannels = [8, 16],
        HiddenLayerSizes = [],
        LatentDimension = 8,
        OutputActivation = Activation.Sigmoid,
        NumberOfEpochs = 15,
        BatchSize = 32,
        LearningRate = 3e-3,
        Seed = 5,
    };

    [Fact]
    public void AConvolutionalAutoencoderAfterExtractPixelsEqualsOneTrainedOnTheIdxPixelsAndSurvivesSavingTheWholeChain()
    {
        var ml = new MLContext(seed: 1);
        using var throughImages = GrayscalePixels(ml).Append(ml.Transforms.Autoencoder(ConvFewEpochs())).Fit(Paths(ml, images.TrainPaths));
        // The same rows as ExtractPixels computes them from the PNG bytes: (byte - 0) * (1 / 255), in the file order.
        static float[] AsExtracted(float[] pixels) => pixels.Select(p => MathF.Round(p * 255f) * (1f / 255f)).ToArray();
        var direct = ml.Transforms.Autoencoder(ConvFewEpochs())
            .Fit(SyntheticData.ToDataView(ml, images.TrainPixels.Select(AsExtracted).ToArray()));
        var test = Paths(ml, images.TestPaths);

        var scored = throughImages.Transform(test);
        var fromImages = scored.VectorColumn("Embedding");
        var fromPixels = direct.Transform(SyntheticData.ToDataView(ml, images.TestPixels.Select(AsExtracted).ToArray())).VectorColumn("Embedding");
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 8), scored.Schema["Embedding"].Type);
        var worst = fromImages.Zip(fromPixels).Max(p => MaxAbsDifference(p.First, p.Second));
        output.WriteLine($"largest embedding difference, image files vs IDX pixels: {worst:G3}");
        Assert.True(worst <= 1e-5, $"largest embedding difference {worst:G3}");

        // The conv network reconstructs unseen image files far better than the mean training image.
        var mean = Enumerable.Range(0, PixelCount).Select(j => images.TrainPixels.Average(image => image[j])).ToArray();
        var meanImageError = SyntheticData.MeanSquaredError(images.TestPixels, images.TestPixels.Select(_ => mean).ToArray());
        var errors = scored.ScalarColumn("ReconstructionError");
        output.WriteLine($"conv test reconstruction MSE {errors.Average():F5}; mean training image {meanImageError:F5}");
        Assert.True(errors.Average() < 0.5 * meanImageError, $"conv test MSE {errors.Average():F5}; mean image {meanImageError:F5}");

        // Saved with LoadImages, ResizeImages and ExtractPixels in the same zip, it scores the files identically.
        var zip = Path.Combine(images.Root, "conv-chain.zip");
        ml.Model.Save(throughImages, test.Schema, zip);
        var loaded = ml.Model.Load(zip, out _);
        try
        {
            Assert.Equal(fromImages, loaded.Transform(test).VectorColumn("Embedding"));
        }
        finally
        {
            (loaded as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void ExtractPixelsWithItsDefaultThreeColoursFailsAConvolutionalFitNamingColorsToExtract()
    {
        var ml = new MLContext(seed: 1);
        var rgb = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImageRow.ImagePath))
            .Append(ml.Transforms.ResizeImages("Image", imageWidth: Side, imageHeight: Side))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", scaleImage: 1f / 255f)); // colorsToExtract: Rgb

        var ex = Assert.ThrowsAny<ArgumentException>(() => rgb.Append(ml.Transforms.Autoencoder(ConvFewEpochs())).Fit(Paths(ml, images.TrainPaths.Take(8))));

        output.WriteLine(ex.Message);
        Assert.Contains("'Features'", ex.Message);
        Assert.Contains("2352", ex.Message);
        Assert.Contains("784", ex.Message);
        Assert.Contains("colorsToExtract", ex.Message);
    }

    [Fact]
    public void ImagesResizedToAnotherSizeFailWithTheColumnAndBothSizes()
    {
        var ml = new MLContext(seed: 1);
        var train = Paths(ml, images.TrainPaths.Take(64));
        var options = FewEpochs();
        options.NumberOfEpochs = 1;
        using var model = GrayscalePixels(ml).Append(ml.Transforms.Autoencoder(options)).Fit(train);
        var pixels32 = GrayscalePixels(ml, side: 32).Fit(train).Transform(train);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => model.LastTransformer.Transform(pixels32));
        Assert.Contains("Input column 'Features' has type Vector<Single, 1024>; expected a vector of Single of size 784.", ex.Message);
    }

    private static double MaxAbsDifference(float[] a, float[] b) => a.Zip(b).Max(p => Math.Abs((double)p.First - p.Second));

    private static float[] Transpose(float[] image) =>
        Enumerable.Range(0, PixelCount).Select(i => image[(i % Side) * Side + i / Side]).ToArray();

    private sealed class Tolerance(double tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
