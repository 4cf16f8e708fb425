using Microsoft.ML;

namespace MLNetAutoencoders.SampleData;

/// <summary>
/// Fashion-MNIST (Han Xiao, Kashif Rasul, Roland Vollgraf, Zalando Research, 2017; MIT licence;
/// https://github.com/zalandoresearch/fashion-mnist) for samples, tests and benchmarks.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Load"/> reads the full dataset (60,000 train and 10,000 test images) from
/// <see cref="DefaultDirectory"/>, where the Debian package <c>dataset-fashion-mnist</c> installs it
/// (<c>apt-get install -y dataset-fashion-mnist</c>), or from another directory holding the same
/// four IDX files. When those files are absent it falls back to a subset embedded in this assembly:
/// the first 500 images of each class of the training split (5,000 images) and the first 100 of each
/// class of the test split (1,000 images), stored interleaved by class (row <c>i</c> has label
/// <c>i % 10</c>). <c>make-subset.py</c> next to the project regenerates that subset.
/// </para>
/// <para>
/// The split's <see cref="FashionMnistSplit.Source"/> and <see cref="FashionMnistSplit.IsEmbeddedSubset"/>
/// tell which one was used, so samples can print it.
/// </para>
/// </remarks>
public static class FashionMnist
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs the dataset.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Number of classes (10).</summary>
    public const int ClassCount = 10;

    /// <summary>Images in the full training split (60,000).</summary>
    public const int FullTrainCount = 60_000;

    /// <summary>Images in the full test split (10,000).</summary>
    public const int FullTestCount = 10_000;

    /// <summary>Images in the embedded training subset (5,000: 500 per class).</summary>
    public const int EmbeddedTrainCount = 5_000;

    /// <summary>Images in the embedded test subset (1,000: 100 per class).</summary>
    public const int EmbeddedTestCount = 1_000;

    private const string ResourcePrefix = "MLNetAutoencoders.SampleData.Data.";

    private static readonly string[] s_classNames =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    /// <summary>The names of the 10 classes, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Array.AsReadOnly(s_classNames);

    /// <summary>
    /// True when all four files of the full dataset are in <see cref="DefaultDirectory"/>, that is
    /// when <see cref="Load"/> without a directory reads the full dataset.
    /// </summary>
    public static bool IsFullDatasetInstalled => HasFullDataset(DefaultDirectory);

    /// <summary>
    /// Describes what <see cref="Load"/> without a directory would read: the full dataset's
    /// directory or the embedded subset.
    /// </summary>
    public static string Source => DescribeSource(null);

    /// <summary>
    /// Whether <paramref name="directory"/> (default <see cref="DefaultDirectory"/>) holds the images
    /// and labels files of both splits (each either gzip-compressed with a <c>.gz</c> suffix or raw).
    /// </summary>
    public static bool HasFullDataset(string? directory = null)
    {
        string dir = directory ?? DefaultDirectory;
        return FindFile(dir, ImagesFileName(FashionMnistSplitName.Train)) is not null
            && FindFile(dir, LabelsFileName(FashionMnistSplitName.Train)) is not null
            && FindFile(dir, ImagesFileName(FashionMnistSplitName.Test)) is not null
            && FindFile(dir, LabelsFileName(FashionMnistSplitName.Test)) is not null;
    }

    /// <summary>
    /// Describes which data <see cref="Load"/> would read for <paramref name="directory"/>
    /// (default <see cref="DefaultDirectory"/>).
    /// </summary>
    public static string DescribeSource(string? directory = null)
    {
        string dir = directory ?? DefaultDirectory;
        return HasFullDataset(dir)
            ? $"full Fashion-MNIST in {dir}"
            : $"embedded Fashion-MNIST subset ({EmbeddedTrainCount} train + {EmbeddedTestCount} test images; full dataset not found in {dir})";
    }

    /// <summary>
    /// Loads a split: from the full dataset when its images and labels files exist in
    /// <paramref name="directory"/> (default <see cref="DefaultDirectory"/>), else from the subset
    /// embedded in this assembly.
    /// </summary>
    /// <param name="split">The split to load.</param>
    /// <param name="maxRows">
    /// When set, only the first <paramref name="maxRows"/> images of the file are returned (a plain
    /// prefix, fewer when the split is smaller). The embedded subset is interleaved by class, so
    /// any prefix of it whose length is a multiple of 10 is exactly class-balanced; the full dataset
    /// keeps its original, already shuffled order, so its prefixes are only roughly balanced.
    /// </param>
    /// <param name="directory">Directory holding the full dataset's IDX files; null for <see cref="DefaultDirectory"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRows"/> is negative.</exception>
    /// <exception cref="FileNotFoundException">Only one of the split's two files is in the directory.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names it.</exception>
    public static FashionMnistSplit Load(FashionMnistSplitName split, int? maxRows = null, string? directory = null)
    {
        string dir = directory ?? DefaultDirectory;
        string? images = FindFile(dir, ImagesFileName(split));
        string? labels = FindFile(dir, LabelsFileName(split));
        if (images is null && labels is null)
        {
            return LoadEmbedded(split, maxRows);
        }

        if (images is null || labels is null)
        {
            string missing = images is null ? ImagesFileName(split) : LabelsFileName(split);
            throw new FileNotFoundException(
                $"Incomplete Fashion-MNIST in {dir}: {missing}(.gz) is missing while the other file of the {split} split is there.",
                Path.Combine(dir, missing + ".gz"));
        }

        return LoadFromFiles(images, labels, split, maxRows);
    }

    /// <summary>Loads a split of the subset embedded in this assembly, whatever is installed.</summary>
    /// <param name="split">The split to load.</param>
    /// <param name="maxRows">When set, only the first <paramref name="maxRows"/> images (see <see cref="Load"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRows"/> is negative.</exception>
    public static FashionMnistSplit LoadEmbedded(FashionMnistSplitName split, int? maxRows = null)
    {
        CheckMaxRows(maxRows);
        string imagesName = ImagesFileName(split) + ".gz";
        string labelsName = LabelsFileName(split) + ".gz";
        float[] pixels;
        int[] labels;
        int imageCount, labelCount;
        using (var stream = OpenResource(imagesName))
        {
            pixels = IdxReader.ReadImages(stream, "embedded " + imagesName, maxRows, out imageCount);
        }

        using (var stream = OpenResource(labelsName))
        {
            labels = IdxReader.ReadLabels(stream, "embedded " + labelsName, ClassCount, maxRows, out labelCount);
        }

        CheckCounts(imagesName, imageCount, labelsName, labelCount);
        int total = split == FashionMnistSplitName.Train ? EmbeddedTrainCount : EmbeddedTestCount;
        return new FashionMnistSplit(
            split, pixels, labels, $"embedded Fashion-MNIST subset ({labels.Length} of its {total} {split} images)", isEmbeddedSubset: true);
    }

    /// <summary>
    /// Loads images and labels from two IDX files (gzip-compressed or raw, detected from the content).
    /// </summary>
    /// <param name="imagesPath">An IDX images file: magic 0x00000803, dimensions N x 28 x 28.</param>
    /// <param name="labelsPath">An IDX labels file: magic 0x00000801, N labels in 0-9.</param>
    /// <param name="split">The split these files hold (only recorded in the result).</param>
    /// <param name="maxRows">When set, only the first <paramref name="maxRows"/> images; the files are still fully validated.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRows"/> is negative.</exception>
    /// <exception cref="InvalidDataException">
    /// A file has a wrong magic number or dimensions, is truncated or too long, has a label outside
    /// 0-9, is not valid gzip, or the two files disagree on the count; the message names the file.
    /// </exception>
    public static FashionMnistSplit LoadFromFiles(string imagesPath, string labelsPath, FashionMnistSplitName split, int? maxRows = null)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        ArgumentNullException.ThrowIfNull(labelsPath);
        CheckMaxRows(maxRows);
        float[] pixels;
        int[] labels;
        int imageCount, labelCount;
        using (var stream = IdxReader.OpenFile(imagesPath))
        {
            pixels = IdxReader.ReadImages(stream, imagesPath, maxRows, out imageCount);
        }

        using (var stream = IdxReader.OpenFile(labelsPath))
        {
            labels = IdxReader.ReadLabels(stream, labelsPath, ClassCount, maxRows, out labelCount);
        }

        CheckCounts(imagesPath, imageCount, labelsPath, labelCount);
        string dir = Path.GetDirectoryName(Path.GetFullPath(imagesPath)) ?? imagesPath;
        return new FashionMnistSplit(
            split, pixels, labels, $"full Fashion-MNIST in {dir} ({labels.Length} of {imageCount} {split} images)", isEmbeddedSubset: false);
    }

    /// <summary>
    /// Wraps a split in an <see cref="IDataView"/> with two columns: <c>Features</c>, a vector of
    /// 784 <see cref="float"/> (known size) holding the pixels in [0, 1], and <c>Label</c>, a
    /// <see cref="float"/> holding the class index 0-9. The view reads the split's arrays directly
    /// (no copy of the dataset), knows its row count, and supports shuffled cursors.
    /// </summary>
    /// <param name="ml">The ML.NET context (only checked for null; the view needs no environment).</param>
    /// <param name="split">The data.</param>
    public static IDataView ToDataView(MLContext ml, FashionMnistSplit split)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(split);
        return new FashionMnistDataView(split);
    }

    private static string ImagesFileName(FashionMnistSplitName split) => $"{FilePrefix(split)}-images-idx3-ubyte";

    private static string LabelsFileName(FashionMnistSplitName split) => $"{FilePrefix(split)}-labels-idx1-ubyte";

    private static string FilePrefix(FashionMnistSplitName split) => split switch
    {
        FashionMnistSplitName.Train => "train",
        FashionMnistSplitName.Test => "t10k",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown split."),
    };

    private static string? FindFile(string directory, string baseName)
    {
        string gz = Path.Combine(directory, baseName + ".gz");
        if (File.Exists(gz))
        {
            return gz;
        }

        string raw = Path.Combine(directory, baseName);
        return File.Exists(raw) ? raw : null;
    }

    private static Stream OpenResource(string fileName)
    {
        var stream = typeof(FashionMnist).Assembly.GetManifestResourceStream(ResourcePrefix + fileName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourcePrefix}{fileName} is missing from {typeof(FashionMnist).Assembly.GetName().Name}.");
        return new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress);
    }

    private static void CheckMaxRows(int? maxRows)
    {
        if (maxRows is int m)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(m, nameof(maxRows));
        }
    }

    private static void CheckCounts(string imagesName, int imageCount, string labelsName, int labelCount)
    {
        if (imageCount != labelCount)
        {
            throw new InvalidDataException($"{imagesName}: holds {imageCount} images but {labelsName} holds {labelCount} labels.");
        }
    }
}
