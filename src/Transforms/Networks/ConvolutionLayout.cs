using MLNetAutoencoders.Validation;

namespace MLNetAutoencoders.Networks;

/// <summary>
/// One convolution stage of the encoder and, mirrored, its transposed convolution in the decoder.
/// </summary>
/// <param name="InputChannels">Channels of the stage's input (the image's channels for the first stage).</param>
/// <param name="OutputChannels">Channels the stage's convolution produces.</param>
/// <param name="KernelSize">Height and width of the square kernel.</param>
/// <param name="Stride">Step of the kernel, in both directions.</param>
/// <param name="Padding">Zero padding added on every side.</param>
/// <param name="InputHeight">Height of the stage's input.</param>
/// <param name="InputWidth">Width of the stage's input.</param>
/// <param name="OutputHeight">Height of the stage's output: ⌊(InputHeight + 2·Padding − KernelSize) / Stride⌋ + 1.</param>
/// <param name="OutputWidth">Width of the stage's output, likewise.</param>
/// <param name="OutputPaddingHeight">The transposed convolution's output padding that restores InputHeight exactly (below Stride).</param>
/// <param name="OutputPaddingWidth">The transposed convolution's output padding that restores InputWidth exactly (below Stride).</param>
public sealed record ConvolutionStage(int InputChannels, int OutputChannels, int KernelSize, int Stride, int Padding,
    int InputHeight, int InputWidth, int OutputHeight, int OutputWidth, int OutputPaddingHeight, int OutputPaddingWidth)
{
    /// <summary>Weights and biases of the stage's convolution and of its mirrored transposed convolution together.</summary>
    public long ParameterCount => checked(
        (long)OutputChannels * InputChannels * KernelSize * KernelSize + OutputChannels
        + (long)InputChannels * OutputChannels * KernelSize * KernelSize + InputChannels);
}

/// <summary>
/// The convolutional part of an autoencoder: the stages that map an image to feature maps, whose flattened values
/// feed the dense layer to the code, and which the decoder mirrors with transposed convolutions back to the image's
/// exact size. Immutable and validated on construction, so a model file can never describe an impossible network.
/// </summary>
public sealed class ConvolutionLayout
{
    /// <summary>Kernel size of the stages that <see cref="Create"/> builds.</summary>
    public const int RuleKernelSize = 3;

    /// <summary>Stride of the stages that <see cref="Create"/> builds: each stage halves the height and width (rounding up).</summary>
    public const int RuleStride = 2;

    /// <summary>Padding of the stages that <see cref="Create"/> builds.</summary>
    public const int RulePadding = 1;

    /// <summary>Largest kernel size accepted.</summary>
    public const int MaxKernelSize = 15;

    /// <summary>Largest number of values a stage may output per row (channels x height x width), bounding scoring memory.</summary>
    public const int MaxStageValues = 1 << 22;

    /// <summary>
    /// Builds the layout of the architecture rule: one stage per entry of <paramref name="channels"/>, each a kernel-3,
    /// stride-2, padding-1 convolution that halves the height and width (rounding up).
    /// </summary>
    /// <param name="image">The input image's shape.</param>
    /// <param name="channels">Output channels of each stage, input side first (the options' ConvolutionChannels).</param>
    /// <exception cref="ArgumentOutOfRangeException">There are not 1 to <see cref="NetworkDescription.MaxConvolutionStages"/> channel counts, or one is outside [1, <see cref="NetworkDescription.MaxConvolutionChannels"/>].</exception>
    /// <exception cref="ArgumentException">The image is too small for that many stride-2 stages.</exception>
    public static ConvolutionLayout Create(ImageShape image, IReadOnlyList<int> channels)
    {
        ArgumentNullException.ThrowIfNull(image);
        const string option = "ConvolutionChannels";
        if (channels is null || channels.Count < 1 || channels.Count > NetworkDescription.MaxConvolutionStages)
            OptionChecks.Fail(option, channels?.Count.ToString() ?? "null", $"1 to {NetworkDescription.MaxConvolutionStages} channel counts");
        foreach (var count in channels)
            if (count < 1 || count > NetworkDescription.MaxConvolutionChannels)
                OptionChecks.Fail(option, count, $"channel counts in [1, {NetworkDescription.MaxConvolutionChannels}]");
        var halvings = Halvings(image);
        if (channels.Count > halvings.Count - 1)
            throw new ArgumentException(
                $"{option} has {channels.Count} stride-2 stages; ImageShape {image} allows at most {halvings.Count - 1} " +
                $"({string.Join(" -> ", halvings.Select(s => $"{s.Height} x {s.Width}"))}).", option);
        var n = channels.Count;
        return new ConvolutionLayout(image, channels, Enumerable.Repeat(RuleKernelSize, n).ToArray(),
            Enumerable.Repeat(RuleStride, n).ToArray(), Enumerable.Repeat(RulePadding, n).ToArray());
    }

    /// <summary>
    /// Creates and validates a layout from each stage's output channels, kernel size, stride and padding (what a
    /// model file stores); the sizes and the decoder's output paddings are derived.
    /// </summary>
    /// <param name="image">The input image's shape.</param>
    /// <param name="channels">Output channels of each stage, in [1, <see cref="NetworkDescription.MaxConvolutionChannels"/>].</param>
    /// <param name="kernelSizes">Kernel size of each stage, in [1, <see cref="MaxKernelSize"/>].</param>
    /// <param name="strides">Stride of each stage, in [1, its kernel size].</param>
    /// <param name="paddings">Padding of each stage, in [0, its kernel size − 1].</param>
    /// <exception cref="ArgumentException">A value is out of range, a stage's output would be empty or too large, or the lists differ in length.</exception>
    public ConvolutionLayout(ImageShape image, IReadOnlyList<int> channels, IReadOnlyList<int> kernelSizes,
        IReadOnlyList<int> strides, IReadOnlyList<int> paddings)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(kernelSizes);
        ArgumentNullException.ThrowIfNull(strides);
        ArgumentNullException.ThrowIfNull(paddings);
        var n = channels.Count;
        if (n < 1 || n > NetworkDescription.MaxConvolutionStages)
            throw new ArgumentOutOfRangeException(nameof(channels), n,
                $"A convolutional network must have 1 to {NetworkDescription.MaxConvolutionStages} stages; got {n}.");
        if (kernelSizes.Count != n || strides.Count != n || paddings.Count != n)
            throw new ArgumentException(
                $"Every stage needs channels, a kernel size, a stride and a padding; got {n}, {kernelSizes.Count}, {strides.Count} and {paddings.Count}.",
                nameof(kernelSizes));

        var stages = new ConvolutionStage[n];
        int c = image.Channels, h = image.Height, w = image.Width;
        for (var i = 0; i < n; i++)
        {
            int outC = channels[i], k = kernelSizes[i], s = strides[i], p = paddings[i];
            var stage = $"Stage {i + 1}";
            if (outC < 1 || outC > NetworkDescription.MaxConvolutionChannels)
                throw new ArgumentOutOfRangeException(nameof(channels), outC,
                    $"{stage}'s channel count must be in [1, {NetworkDescription.MaxConvolutionChannels}]; got {outC}.");
            if (k < 1 || k > MaxKernelSize)
                throw new ArgumentOutOfRangeException(nameof(kernelSizes), k, $"{stage}'s kernel size must be in [1, {MaxKernelSize}]; got {k}.");
            if (s < 1 || s > k)
                throw new ArgumentOutOfRangeException(nameof(strides), s, $"{stage}'s stride must be in [1, {k}] (at most its kernel size); got {s}.");
            if (p < 0 || p > k - 1)
                throw new ArgumentOutOfRangeException(nameof(paddings), p, $"{stage}'s padding must be in [0, {k - 1}] (below its kernel size); got {p}.");
            // Longs: a padded size near MaxLayerSize plus a kernel must not overflow.
            long spanH = (long)h + 2 * p - k, spanW = (long)w + 2 * p - k;
            if (spanH < 0 || spanW < 0)
                throw new ArgumentException(
                    $"{stage}'s kernel {k} with padding {p} does not fit its {h} x {w} input: its output would be empty.", nameof(kernelSizes));
            var outH = (int)(spanH / s) + 1;
            var outW = (int)(spanW / s) + 1;
            var values = (long)outC * outH * outW;
            if (values > MaxStageValues)
                throw new ArgumentException(
                    $"{stage} outputs {outC} x {outH} x {outW} = {values} values per row; at most {MaxStageValues} are allowed.", nameof(channels));
            // The remainder of the division: what a transposed convolution must add to restore h exactly; always below s.
            stages[i] = new ConvolutionStage(c, outC, k, s, p, h, w, outH, outW, (int)(spanH % s), (int)(spanW % s));
            (c, h, w) = (outC, outH, outW);
        }
        var flattened = (long)c * h * w;
        if (flattened > NetworkDescription.MaxLayerSize)
            throw new ArgumentException(
                $"The last stage's feature maps, {c} x {h} x {w} = {flattened} values, exceed the largest layer size, {NetworkDescription.MaxLayerSize}.", nameof(channels));

        Image = image;
        Stages = stages;
        FlattenedSize = (int)flattened;
    }

    /// <summary>Shape of the input image.</summary>
    public ImageShape Image { get; }

    /// <summary>The stages, input side first; the decoder runs them in reverse as transposed convolutions.</summary>
    public IReadOnlyList<ConvolutionStage> Stages { get; }

    /// <summary>Number of values of the last stage's feature maps (channels x height x width), the dense layer's input width.</summary>
    public int FlattenedSize { get; }

    /// <summary>Weights and biases of all convolutions and transposed convolutions (not the dense layers).</summary>
    public long ParameterCount => Stages.Aggregate(0L, (sum, stage) => checked(sum + stage.ParameterCount));

    /// <summary>The layout as image, channels and last feature maps: <c>1 x 28 x 28 -> conv [32, 64] (64 x 7 x 7)</c>.</summary>
    public override string ToString()
    {
        var last = Stages[^1];
        return $"{Image} -> conv [{string.Join(", ", Stages.Select(s => s.OutputChannels))}] " +
            $"({last.OutputChannels} x {last.OutputHeight} x {last.OutputWidth})";
    }

    /// <summary>The sizes a stride-2 stage chain passes through, from the image down to 1 x 1.</summary>
    private static List<(int Height, int Width)> Halvings(ImageShape image)
    {
        var sizes = new List<(int Height, int Width)> { (image.Height, image.Width) };
        while (sizes[^1].Height > 1 || sizes[^1].Width > 1)
            sizes.Add(((sizes[^1].Height + 1) / 2, (sizes[^1].Width + 1) / 2));
        return sizes;
    }
}
