namespace MLNetAutoencoders.Samples.Gallery;

/// <summary>
/// Which network a gallery sample trains (<c>--architecture mlp|conv</c>): the sample's multilayer perceptron over the
/// 784 pixels, or a convolutional network over the 1 x 28 x 28 image (design conv-autoencoders.md §1 and §12).
/// </summary>
public enum SampleArchitecture
{
    /// <summary>A multilayer perceptron: the image as 784 numbers, the sample's hidden layers.</summary>
    Mlp,

    /// <summary>
    /// A convolutional network: the image as 1 x 28 x 28, strided convolutions with <see cref="SampleNetworks.ConvolutionChannels"/>
    /// channels, then the sample's dense layers to the code, the decoder mirrored; same dense layers, code size and
    /// training settings as the MLP.
    /// </summary>
    Conv,
}

/// <summary>
/// A sample's dense layers: <paramref name="Perceptron"/> over the 784 pixels for the MLP, <paramref name="AfterStages"/>
/// between the flattened maps and the code for the conv path (none unless the picture needs them: dense layers after
/// the stages separate a 2-D map's classes better but reconstruct worse).
/// </summary>
public sealed record SampleLayers(int[] Perceptron, int[] AfterStages);

/// <summary>What each <see cref="SampleArchitecture"/> sets on a sample's options, and how figures and results files name it.</summary>
public static class SampleNetworks
{
    /// <summary>The image shape of Fashion-MNIST as the convolutional network reads it (one grey plane, planar order).</summary>
    public static ImageShape Image { get; } = new(channels: 1, height: 28, width: 28);

    /// <summary>The convolution stages of the conv path: the library's default, 28 → 14 → 7.</summary>
    public static IReadOnlyList<int> ConvolutionChannels { get; } = [32, 64];

    /// <summary>The command-line value: <c>mlp</c> or <c>conv</c>.</summary>
    public static string Argument(this SampleArchitecture architecture) => architecture == SampleArchitecture.Conv ? "conv" : "mlp";

    /// <summary>Parses a command-line value (<c>mlp</c> or <c>conv</c>, any case).</summary>
    public static bool TryParse(string value, out SampleArchitecture architecture)
    {
        architecture = SampleArchitecture.Mlp;
        switch (value.ToLowerInvariant())
        {
            case "mlp":
                return true;
            case "conv":
                architecture = SampleArchitecture.Conv;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The dense layers <paramref name="architecture"/> uses of <paramref name="layers"/>.</summary>
    public static int[] DenseLayers(this SampleArchitecture architecture, SampleLayers layers) =>
        architecture == SampleArchitecture.Conv ? layers.AfterStages : layers.Perceptron;

    /// <summary>
    /// Sets the network of <paramref name="options"/>: the MLP's dense layers, or the image shape, the
    /// <see cref="ConvolutionChannels"/> stages and the dense layers after them for the conv path.
    /// </summary>
    public static AutoencoderOptions WithNetwork(this AutoencoderOptions options, SampleArchitecture architecture, SampleLayers layers)
    {
        if (architecture == SampleArchitecture.Conv)
        {
            options.ImageShape = Image;
            options.ConvolutionChannels = [.. ConvolutionChannels];
        }
        else
        {
            options.ImageShape = null;
        }
        options.HiddenLayerSizes = [.. architecture.DenseLayers(layers)];
        return options;
    }

    /// <summary>
    /// The network's layers as figures and results files name them: <c>784-256-64-2</c> for an MLP,
    /// <c>1x28x28-conv[32,64]-2</c> for the conv path (<c>1x28x28-conv[32,64]-256-64-2</c> with dense layers after the stages).
    /// </summary>
    public static string Describe(SampleArchitecture architecture, SampleLayers layers, string code)
    {
        var dense = string.Concat(architecture.DenseLayers(layers).Select(h => $"{h}-"));
        return architecture == SampleArchitecture.Conv
            ? $"{Image.Channels}x{Image.Height}x{Image.Width}-conv[{string.Join(",", ConvolutionChannels)}]-{dense}{code}"
            : $"784-{dense}{code}";
    }

    /// <summary>"MLP" or "convolutional", as a figure's title says which network drew it.</summary>
    public static string Adjective(this SampleArchitecture architecture) => architecture == SampleArchitecture.Conv ? "convolutional" : "MLP";
}
