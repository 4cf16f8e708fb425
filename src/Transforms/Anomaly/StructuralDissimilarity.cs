using MLNetAutoencoders.Native;
using MLNetAutoencoders.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Anomaly;

/// <summary>
/// The image detector's reconstruction score: a row's squared error and its structural dissimilarity, each in units of
/// its own spread over the training rows. The structural similarity (SSIM, Wang et al. 2004) compares the local means,
/// variances and covariance of an image and its reconstruction in every <see cref="Window"/> x <see cref="Window"/>
/// neighbourhood (uniform weights, the window cut at the image's border); the dissimilarity is 1 - its mean over the
/// pixels and channels. Bergmann et al. (2019, "Improving unsupervised defect segmentation by applying structural
/// similarity to autoencoders") score reconstructions so because a squared error sees a shifted edge and a missing
/// structure alike. The constants are C1 = (0.01 L)², C2 = (0.03 L)² for the training rows' value range L, so the score
/// does not depend on whether the pixels are in [0, 1] or [0, 255]. Saved with the model.
/// </summary>
internal sealed class StructuralDissimilarity
{
    /// <summary>The side of the square neighbourhood: 7, as scikit-image's default.</summary>
    public const int DefaultWindow = 7;

    /// <param name="image">The image every row holds (channel planes, row-major).</param>
    /// <param name="window">Odd side of the neighbourhood, at most the image's height and width.</param>
    /// <param name="dataRange">The training rows' largest minus smallest value (positive, finite).</param>
    /// <param name="squaredErrorScale">The training interquartile range of the squared error (positive, finite).</param>
    /// <param name="dissimilarityScale">The training interquartile range of the dissimilarity (positive, finite).</param>
    public StructuralDissimilarity(ImageShape image, int window, float dataRange, float squaredErrorScale, float dissimilarityScale)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (window < 1 || window % 2 == 0 || window > image.Height || window > image.Width)
            throw new ArgumentOutOfRangeException(nameof(window), window, $"The structural similarity window must be odd and at most the image's {image.Height} x {image.Width}; got {window}.");
        if (!(dataRange > 0) || !float.IsFinite(dataRange))
            throw new ArgumentOutOfRangeException(nameof(dataRange), dataRange, "The data range of the structural similarity must be positive and finite.");
        if (!(squaredErrorScale > 0) || !(dissimilarityScale > 0) || !float.IsFinite(squaredErrorScale) || !float.IsFinite(dissimilarityScale))
            throw new ArgumentException("The reconstruction score's scales must be positive and finite.");
        Image = image;
        Window = window;
        DataRange = dataRange;
        SquaredErrorScale = squaredErrorScale;
        DissimilarityScale = dissimilarityScale;
    }

    public ImageShape Image { get; }

    public int Window { get; }

    public float DataRange { get; }

    public float SquaredErrorScale { get; }

    public float DissimilarityScale { get; }

    /// <summary>The window for <paramref name="image"/>: <see cref="DefaultWindow"/>, or the largest odd side that fits a smaller image.</summary>
    public static int WindowFor(ImageShape image)
    {
        var side = Math.Min(DefaultWindow, Math.Min(image.Height, image.Width));
        return side % 2 == 1 ? side : side - 1;
    }

    /// <summary>C1 = (0.01 L)², as <see cref="DataRange"/> gives L.</summary>
    public float C1 => (0.01f * DataRange) * (0.01f * DataRange);

    /// <summary>C2 = (0.03 L)².</summary>
    public float C2 => (0.03f * DataRange) * (0.03f * DataRange);

    /// <summary>The score of each row: squared error / its scale + dissimilarity / its scale.</summary>
    public Tensor Score(Tensor reconstruction, Tensor target)
    {
        using var squaredErrorScale = SquaredErrorScale.ToScalar();
        using var dissimilarityScale = DissimilarityScale.ToScalar();
        return NetworkMath.RowMeanSquaredError(reconstruction, target).div_(squaredErrorScale)
            .PlusInPlace(Dissimilarity(reconstruction, target).div_(dissimilarityScale));
    }

    /// <summary>The same term with the training scales of its two parts (fitted on the parts this one computes unscaled).</summary>
    public StructuralDissimilarity WithScales(float squaredErrorScale, float dissimilarityScale) =>
        new(Image, Window, DataRange, squaredErrorScale, dissimilarityScale);

    /// <summary>1 - the mean structural similarity of each row of two [rows, C·H·W] batches, read as <see cref="Image"/>s.</summary>
    public Tensor Dissimilarity(Tensor reconstruction, Tensor target)
    {
        var (image, window, c1, c2) = (Image, Window, C1, C2);
        long[] shape = [-1, image.Channels, image.Height, image.Width];
        var a = target.reshape(shape);
        var b = reconstruction.reshape(shape);
        Tensor Mean(Tensor t) => nn.functional.avg_pool2d(t, [window, window], [1, 1], [window / 2, window / 2], count_include_pad: false);
        var meanA = Mean(a);
        var meanB = Mean(b);
        var meanAB = meanA.mul(meanB);
        var squaredMeans = meanA.Squared().PlusInPlace(meanB.Squared());
        var varianceSum = Mean(a.mul(a)).PlusInPlace(Mean(b.mul(b))).MinusInPlace(squaredMeans);
        var covariance = Mean(a.mul(b)).MinusInPlace(meanAB);
        using var constant1 = c1.ToScalar();
        using var constant2 = c2.ToScalar();
        var numerator = meanAB.mul(TensorArithmetic.Two).PlusInPlace(constant1).mul_(covariance.mul(TensorArithmetic.Two).PlusInPlace(constant2));
        var denominator = squaredMeans.PlusInPlace(constant1).mul_(varianceSum.PlusInPlace(constant2));
        var similarity = numerator.div_(denominator).flatten(1).mean([1]);
        return similarity.neg_().PlusInPlace(TensorArithmetic.One);
    }

    /// <summary>Writes the window, the data range and the two scales (the image is the network's).</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(Window);
        writer.Write(DataRange);
        writer.Write(SquaredErrorScale);
        writer.Write(DissimilarityScale);
    }

    /// <summary>Reads what <see cref="Write"/> wrote, for a network reading <paramref name="image"/>; a bad value is a <see cref="FormatException"/>.</summary>
    public static StructuralDissimilarity Read(BinaryReader reader, ImageShape? image)
    {
        if (image is null)
            throw new FormatException("Model file holds a structural dissimilarity score for a network that reads no image.");
        var window = reader.ReadInt32();
        var dataRange = reader.ReadSingle();
        var squaredErrorScale = reader.ReadSingle();
        var dissimilarityScale = reader.ReadSingle();
        try
        {
            return new StructuralDissimilarity(image, window, dataRange, squaredErrorScale, dissimilarityScale);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"Model file holds an invalid structural dissimilarity score: {ex.Message}", ex);
        }
    }
}
