using Microsoft.ML.Runtime;
using MLNetAutoencoders.Networks;

namespace MLNetAutoencoders;

/// <summary>
/// The one place where options become a network: the architecture they describe for an input size, including
/// what the kind implies (the code activation, the units a k-sparse network keeps at scoring time).
/// </summary>
internal static class AutoencoderArchitecture
{
    /// <summary>
    /// The network <paramref name="options"/> describe for inputs of <paramref name="inputSize"/> read from
    /// <paramref name="inputColumnName"/>; an undercomplete network must be smaller than its input, the other kinds
    /// get a warning on <paramref name="channel"/>. With an image shape the network is convolutional (its stages from
    /// ConvolutionChannels, then the HiddenLayerSizes dense layers), and the caller has checked that the column holds that image.
    /// Null HiddenLayerSizes are automatic: [256, 128] for a perceptron, none after a convolutional network's stages.
    /// </summary>
    public static NetworkDescription Describe(AutoencoderOptions options, string inputColumnName, int inputSize, IChannel channel)
    {
        if (options.LatentDimension >= inputSize)
        {
            if (options.Kind == AutoencoderKind.Undercomplete)
                throw new ArgumentOutOfRangeException(nameof(AutoencoderOptions.LatentDimension), options.LatentDimension,
                    $"An undercomplete autoencoder needs LatentDimension smaller than the size of column '{inputColumnName}' ({inputSize}); got {options.LatentDimension}.");
            channel.Warning($"LatentDimension {options.LatentDimension} is not smaller than the input size {inputSize}: the {options.Kind} autoencoder relies on its regulariser alone to avoid learning the identity.");
        }
        var convolution = options.ImageShape is { } image ? ConvolutionLayout.Create(image, options.ConvolutionChannels) : null;
        var hidden = options.HiddenLayerSizes ?? (convolution is null ? AutoencoderOptions.Defaults.PerceptronHiddenLayerSizes : []);
        return new NetworkDescription(options.Kind, inputSize, hidden, options.LatentDimension,
            options.HiddenActivation, LatentActivation(options), options.OutputActivation,
            options.Kind == AutoencoderKind.KSparse ? ScoringTopK(options) : 0, convolution);
    }

    /// <summary>The number of code units a k-sparse network keeps at scoring time: ceil(alpha * k).</summary>
    public static int ScoringTopK(AutoencoderOptions options) => (int)Math.Ceiling(options.KSparseScoringAlpha * options.KSparseK - 1e-6);

    /// <summary>The code activation the kind implies when the options leave it open.</summary>
    public static Activation LatentActivation(AutoencoderOptions options) => options.Kind switch
    {
        AutoencoderKind.KSparse or AutoencoderKind.Variational => Activation.Identity,
        AutoencoderKind.Sparse => options.LatentActivation ?? Activation.Sigmoid,
        _ => options.LatentActivation ?? Activation.Identity,
    };
}
