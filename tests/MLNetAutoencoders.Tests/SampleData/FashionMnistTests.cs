using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.SampleData;
using Xunit;

namespace MLNetAutoencoders.Tests.SampleData;

public sealed class FashionMnistTests : IDisposable
{
    // A directory that never holds the dataset: Load must fall back to the embedded subset.
    private readonly string _tempDir = Path.Combine(Path.GetTempPath(), "fmnist-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_tempDir))
        {
            Directory.Delete(_tempDir, recursive: true);
        }
    }

    [Theory]
    [InlineData(FashionMnistSplitName.Train, FashionMnist.EmbeddedTrainCount, 500)]
    [InlineData(FashionMnistSplitName.Test, FashionMnist.EmbeddedTestCount, 100)]
    public void EmbeddedSubset_LoadsBalancedScaledImages(FashionMnistSplitName name, int expectedCount, int perClass)
    {
        var split = FashionMnist.Load(name, directory: Path.Combine(_tempDir, "missing"));

        Assert.True(split.IsEmbeddedSubset);
        Assert.Contains("embedded", split.Source);
        Assert.Equal(name, split.Split);
        Assert.Equal(expectedCount, split.Count);
        Assert.Equal(expectedCount * FashionMnistSplit.PixelCount, split.Pixels.Length);
        Assert.Equal(784, split.GetImage(0).Length);
        Assert.All(split.Pixels, p => Assert.InRange(p, 0f, 1f));
        Assert.Contains(split.Pixels, p => p == 1f);
        Assert.Contains(split.Pixels, p => p == 0f);
        Assert.All(split.CountPerClass(), c => Assert.Equal(perClass, c));
        // Interleaved by class: row i has label i % 10, so prefixes of 10k rows are balanced.
        for (int i = 0; i < split.Count; i++)
        {
            Assert.Equal(i % 10, split.Labels[i]);
        }

        // Real images, not blanks: each has a reasonable amount of ink.
        for (int i = 0; i < split.Count; i++)
        {
            float sum = 0;
            foreach (float p in split.GetImage(i))
            {
                sum += p;
            }

            Assert.True(sum > 5f, $"image {i} is nearly empty");
        }
    }

    [Fact]
    public void EmbeddedSubset_MaxRowsTakesBalancedPrefix()
    {
        var full = FashionMnist.LoadEmbedded(FashionMnistSplitName.Train);
        var split = FashionMnist.LoadEmbedded(FashionMnistSplitName.Train, maxRows: 50);

        Assert.Equal(50, split.Count);
        Assert.All(split.CountPerClass(), c => Assert.Equal(5, c));
        Assert.Equal(full.Pixels.AsSpan(0, 50 * 784).ToArray(), split.Pixels);
        Assert.Equal(full.Labels.AsSpan(0, 50).ToArray(), split.Labels);
        Assert.Equal(FashionMnist.EmbeddedTestCount, FashionMnist.LoadEmbedded(FashionMnistSplitName.Test, maxRows: 1_000_000).Count);
        Assert.Empty(FashionMnist.LoadEmbedded(FashionMnistSplitName.Test, maxRows: 0).Labels);
        Assert.Throws<ArgumentOutOfRangeException>(() => FashionMnist.LoadEmbedded(FashionMnistSplitName.Test, maxRows: -1));
    }

    [Fact]
    public void ClassNames_AreTheTenFashionMnistClasses()
    {
        Assert.Equal(
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            FashionMnist.ClassNames);
    }

    [Fact]
    public void FullDataset_WhenInstalled_Has60000And10000Images()
    {
        if (!FashionMnist.IsFullDatasetInstalled)
        {
            // The Debian package dataset-fashion-mnist is not installed here: nothing to check.
            Assert.Contains("embedded", FashionMnist.Source);
            return;
        }

        var train = FashionMnist.Load(FashionMnistSplitName.Train);
        var test = FashionMnist.Load(FashionMnistSplitName.Test);

        Assert.False(train.IsEmbeddedSubset);
        Assert.Contains(FashionMnist.DefaultDirectory, train.Source);
        Assert.Equal(FashionMnist.FullTrainCount, train.Count);
        Assert.Equal(FashionMnist.FullTestCount, test.Count);
        Assert.All(train.CountPerClass(), c => Assert.Equal(6000, c));
        Assert.All(test.CountPerClass(), c => Assert.Equal(1000, c));
        Assert.Equal(FashionMnist.FullTrainCount * 784, train.Pixels.Length);

        var prefix = FashionMnist.Load(FashionMnistSplitName.Test, maxRows: 123);
        Assert.Equal(123, prefix.Count);
        Assert.Equal(test.Pixels.AsSpan(0, 123 * 784).ToArray(), prefix.Pixels);

        // The embedded subset is made of the first rows of each class of the full dataset.
        var embedded = FashionMnist.LoadEmbedded(FashionMnistSplitName.Test);
        var firstOfClass = new int[10];
        Array.Fill(firstOfClass, -1);
        for (int i = 0; i < test.Count; i++)
        {
            if (firstOfClass[test.Labels[i]] < 0)
            {
                firstOfClass[test.Labels[i]] = i;
            }
        }

        for (int c = 0; c < 10; c++)
        {
            Assert.True(embedded.GetImage(c).SequenceEqual(test.GetImage(firstOfClass[c])));
        }
    }

    [Fact]
    public void DirectoryWithIdxFiles_IsReadAsFullDataset_GzipOrRaw()
    {
        Directory.CreateDirectory(_tempDir);
        WriteIdx(Path.Combine(_tempDir, "t10k-images-idx3-ubyte.gz"), 0x803, [3, 28, 28], Enumerable.Range(0, 3 * 784).Select(i => (byte)(i % 256)).ToArray(), gzip: true);
        WriteIdx(Path.Combine(_tempDir, "t10k-labels-idx1-ubyte"), 0x801, [3], [9, 0, 4], gzip: false);

        var split = FashionMnist.Load(FashionMnistSplitName.Test, directory: _tempDir);

        Assert.False(split.IsEmbeddedSubset);
        Assert.Equal(3, split.Count);
        Assert.Equal([9, 0, 4], split.Labels);
        Assert.Equal(0f, split.Pixels[0]);
        Assert.Equal(1f, split.Pixels[255]);
        Assert.Equal(1f / 255f, split.Pixels[1]);
        Assert.False(FashionMnist.HasFullDataset(_tempDir)); // the train split is missing
        Assert.True(FashionMnist.Load(FashionMnistSplitName.Train, directory: _tempDir).IsEmbeddedSubset);
    }

    [Fact]
    public void BadMagic_ThrowsInvalidDataNamingTheFile()
    {
        var (images, labels) = WriteValidPair(rows: 4);
        WriteIdx(images, 0x801, [4, 28, 28], new byte[4 * 784], gzip: true);

        var ex = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadFromFiles(images, labels, FashionMnistSplitName.Train));
        Assert.Contains(images, ex.Message);
        Assert.Contains("magic", ex.Message);
    }

    [Fact]
    public void TruncatedImages_ThrowsInvalidDataNamingTheFile()
    {
        var (images, labels) = WriteValidPair(rows: 4);
        WriteIdx(images, 0x803, [4, 28, 28], new byte[4 * 784 - 10], gzip: true);

        var ex = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadFromFiles(images, labels, FashionMnistSplitName.Train));
        Assert.Contains(images, ex.Message);
        Assert.Contains("truncated", ex.Message);

        // maxRows reads fewer rows but still validates the whole file.
        Assert.Throws<InvalidDataException>(() => FashionMnist.LoadFromFiles(images, labels, FashionMnistSplitName.Train, maxRows: 1));
    }

    [Fact]
    public void TruncatedGzipStream_ThrowsInvalidDataNamingTheFile()
    {
        var (images, labels) = WriteValidPair(rows: 4);
        byte[] bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes.AsSpan(0, bytes.Length / 2).ToArray());

        var ex = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadFromFiles(images, labels, FashionMnistSplitName.Train));
        Assert.Contains(images, ex.Message);
    }

    [Fact]
    public void TruncatedHeader_ThrowsInvalidDataNamingTheFile()
    {
        var (images, labels) = WriteValidPair(rows: 4);
        File.WriteAllBytes(labels, [0, 0, 8, 1, 0, 0]);

        var ex = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadFromFiles(images, labels, FashionMnistSplitName.Train));
        Assert.Contains(labels, ex.Message);
    }

    [Fact]
    public void WrongDimensionsOrCountsOrLabels_ThrowInvalidDataNamingTheFile()
    {
        var (images, labels) = WriteValidPair(rows: 4);

        WriteIdx(images, 0x803, [4, 32, 32], new byte[4 * 32 * 32], gzip: true);
        var dims = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadFromFiles(images, labels, FashionMnistSplitName.Train));
        Assert.Contains(images, dims.Message);

        WriteIdx(images, 0x803, [4, 28, 28], new byte[5 * 784], gzip: true);
        var tooLong = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadFromFiles(images, labels, FashionMnistSplitName.Train));
        Assert.Contains(images, tooLong.Message);

        WriteIdx(images, 0x803, [5, 28, 28], new byte[5 * 784], gzip: true);
        var counts = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadFromFiles(images, labels, FashionMnistSplitName.Train));
        Assert.Contains(images, counts.Message);

        WriteIdx(labels, 0x801, [5], [0, 1, 2, 10, 3], gzip: true);
        var label = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadFromFiles(images, labels, FashionMnistSplitName.Train));
        Assert.Contains(labels, label.Message);
    }

    [Fact]
    public void ToDataView_HasFeaturesVector784OfSingleAndSingleLabel()
    {
        var ml = new MLContext(seed: 1);
        var split = FashionMnist.LoadEmbedded(FashionMnistSplitName.Test, maxRows: 20);

        var view = FashionMnist.ToDataView(ml, split);

        var features = view.Schema["Features"];
        var vector = Assert.IsType<VectorDataViewType>(features.Type);
        Assert.Equal(NumberDataViewType.Single, vector.ItemType);
        Assert.Equal(784, vector.Size);
        Assert.True(vector.IsKnownSize);
        Assert.Equal(NumberDataViewType.Single, view.Schema["Label"].Type);
        Assert.Equal(20, view.GetRowCount());

        var featureColumn = ml.Data.CreateEnumerable<Row>(view, reuseRowObject: false).ToList();
        Assert.Equal(20, featureColumn.Count);
        for (int i = 0; i < featureColumn.Count; i++)
        {
            Assert.Equal(split.Labels[i], featureColumn[i].Label);
            Assert.Equal(split.GetImage(i).ToArray(), featureColumn[i].Features);
        }

        // Works through ML.NET transforms, including shuffling.
        var shuffled = ml.Data.ShuffleRows(view, seed: 3);
        var labels = shuffled.GetColumn<float>("Label").ToArray();
        Assert.Equal(split.Labels.Select(l => (float)l).Order(), labels.Order());
        var normalized = ml.Transforms.NormalizeMinMax("Features").Fit(view).Transform(view);
        Assert.Equal(20, normalized.GetColumn<float[]>("Features").Count());
    }

    private sealed class Row
    {
        [VectorType(784)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    private (string Images, string Labels) WriteValidPair(int rows)
    {
        Directory.CreateDirectory(_tempDir);
        string images = Path.Combine(_tempDir, "train-images-idx3-ubyte.gz");
        string labels = Path.Combine(_tempDir, "train-labels-idx1-ubyte.gz");
        WriteIdx(images, 0x803, [rows, 28, 28], new byte[rows * 784], gzip: true);
        WriteIdx(labels, 0x801, [rows], Enumerable.Range(0, rows).Select(i => (byte)(i % 10)).ToArray(), gzip: true);
        var ok = FashionMnist.LoadFromFiles(images, labels, FashionMnistSplitName.Train);
        Assert.Equal(rows, ok.Count);
        return (images, labels);
    }

    private static void WriteIdx(string path, int magic, int[] dims, byte[] data, bool gzip)
    {
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        Span<byte> word = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(word, magic);
        stream.Write(word);
        foreach (int d in dims)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(word, d);
            stream.Write(word);
        }

        stream.Write(data);
    }
}
