using Microsoft.ML;

namespace MLNetAutoencoders.SampleData;

/// <summary>
/// A loaded Fashion-MNIST split: <see cref="Count"/> grey-scale 28x28 images stored as one flat,
/// row-major <see cref="float"/> array (image <c>i</c> occupies
/// <c>Pixels[i * 784 .. (i + 1) * 784]</c>, pixels in row-major order, scaled to [0, 1]) and
/// their class indices in <see cref="Labels"/>. The flat layout converts to a tensor of shape
/// [Count, 784] (or [Count, 1, 28, 28]) with a single copy.
/// </summary>
/// <remarks>The arrays are exposed as they are, without copies: treat them as read-only.</remarks>
public sealed class FashionMnistSplit
{
    /// <summary>Height of an image in pixels (28).</summary>
    public const int ImageHeight = 28;

    /// <summary>Width of an image in pixels (28).</summary>
    public const int ImageWidth = 28;

    /// <summary>Number of pixels, hence features, of one image (784).</summary>
    public const int PixelCount = ImageHeight * ImageWidth;

    /// <summary>Creates a split from already decoded data.</summary>
    /// <param name="split">Which split the data belongs to.</param>
    /// <param name="pixels">Row-major pixels, <c>labels.Length * 784</c> values in [0, 1].</param>
    /// <param name="labels">Class index (0-9) of each image.</param>
    /// <param name="source">Human-readable description of where the data came from.</param>
    /// <param name="isEmbeddedSubset">Whether the data is the subset embedded in this assembly.</param>
    /// <exception cref="ArgumentException">The lengths do not match or a label is outside 0-9.</exception>
    public FashionMnistSplit(FashionMnistSplitName split, float[] pixels, int[] labels, string source, bool isEmbeddedSubset)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(source);
        if (pixels.LongLength != (long)labels.Length * PixelCount)
        {
            throw new ArgumentException(
                $"Expected {(long)labels.Length * PixelCount} pixels for {labels.Length} images, got {pixels.LongLength}.",
                nameof(pixels));
        }

        foreach (int label in labels)
        {
            if ((uint)label >= FashionMnist.ClassCount)
            {
                throw new ArgumentException($"Label {label} is outside [0, {FashionMnist.ClassCount - 1}].", nameof(labels));
            }
        }

        Split = split;
        Pixels = pixels;
        Labels = labels;
        Source = source;
        IsEmbeddedSubset = isEmbeddedSubset;
    }

    /// <summary>Which split this is.</summary>
    public FashionMnistSplitName Split { get; }

    /// <summary>All pixels, <see cref="Count"/> * 784 values in [0, 1], one image after the other.</summary>
    public float[] Pixels { get; }

    /// <summary>The class index (0-9, see <see cref="FashionMnist.ClassNames"/>) of each image.</summary>
    public int[] Labels { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>
    /// Where the data came from, for printing: the full dataset's files, or the embedded subset.
    /// </summary>
    public string Source { get; }

    /// <summary>
    /// True when the data is the small subset embedded in this assembly, false when it was read
    /// from the full dataset's files.
    /// </summary>
    public bool IsEmbeddedSubset { get; }

    /// <summary>The 784 pixels of image <paramref name="index"/>, row-major, in [0, 1].</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in [0, Count).</exception>
    public ReadOnlySpan<float> GetImage(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Pixels.AsSpan(index * PixelCount, PixelCount);
    }

    /// <summary>The images of one class, in their order: e.g. the normal class of a one-class anomaly-detection task.</summary>
    /// <param name="label">The class index, 0-9.</param>
    public FashionMnistSplit OfClass(int label)
    {
        int[] indices = Enumerable.Range(0, Count).Where(i => Labels[i] == label).ToArray();
        float[] pixels = new float[indices.Length * PixelCount];
        for (int k = 0; k < indices.Length; k++)
        {
            GetImage(indices[k]).CopyTo(pixels.AsSpan(k * PixelCount));
        }

        return new FashionMnistSplit(Split, pixels, Enumerable.Repeat(label, indices.Length).ToArray(), $"{Source}, class {label} only", IsEmbeddedSubset);
    }

    /// <summary>Copies the images into one 784-element array per image.</summary>
    public float[][] ToJaggedImages()
    {
        var images = new float[Count][];
        for (int i = 0; i < images.Length; i++)
        {
            images[i] = GetImage(i).ToArray();
        }

        return images;
    }

    /// <summary>Number of images of each class, indexed by class.</summary>
    public int[] CountPerClass()
    {
        var counts = new int[FashionMnist.ClassCount];
        foreach (int label in Labels)
        {
            counts[label]++;
        }

        return counts;
    }

    /// <summary>
    /// An <see cref="IDataView"/> over this split with columns <c>Features</c> (vector of 784
    /// <see cref="float"/>) and <c>Label</c> (<see cref="float"/> class index); see
    /// <see cref="FashionMnist.ToDataView(MLContext, FashionMnistSplit)"/>.
    /// </summary>
    public IDataView ToDataView(MLContext ml) => FashionMnist.ToDataView(ml, this);

    /// <inheritdoc/>
    public override string ToString() => $"Fashion-MNIST {Split}: {Count} images from {Source}";
}
