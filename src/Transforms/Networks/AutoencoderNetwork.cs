using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Networks;

/// <summary>
/// The one network every variant shares: an encoder (convolution stages when the description has them, then
/// dense layers), a bottleneck chosen by the description, and a decoder mirroring the encoder. Variants differ only
/// in their bottleneck and training terms. Input and reconstruction are flat rows, [rows, InputSize], for
/// convolutional networks too (an image's values in planar order: channel by channel, each row by row).
/// </summary>
public sealed class AutoencoderNetwork : nn.Module<Tensor, Tensor>
{
    // Declaration order is parameter order: a perceptron's parameters stay named exactly encoder.i.* and
    // decoder.i.* (the empty convolution lists add none), which saved weights are matched against.
    private readonly ModuleList<Conv2d> convolutions = new();
    private readonly ModuleList<Linear> encoder = new();
    private readonly ModuleList<Linear> decoder = new();
    private readonly ModuleList<ConvTranspose2d> transposedConvolutions = new();

    /// <summary>Builds a freshly initialised network (TorchSharp's default initialisation, seeded by the caller).</summary>
    public AutoencoderNetwork(NetworkDescription description) : base(nameof(AutoencoderNetwork))
    {
        Description = description;
        var convolution = description.Convolution;
        if (convolution is not null)
        {
            // The modules hold the weights with PyTorch's layouts and initialisation; ImageLayers computes their forward.
            foreach (var stage in convolution.Stages)
                convolutions.Add(nn.Conv2d(stage.InputChannels, stage.OutputChannels, stage.KernelSize,
                    stride: stage.Stride, padding: stage.Padding));
            foreach (var stage in convolution.Stages.Reverse())
                transposedConvolutions.Add(nn.ConvTranspose2d(stage.OutputChannels, stage.InputChannels, stage.KernelSize,
                    stride: stage.Stride, padding: stage.Padding));
        }
        var widths = new List<int> { convolution?.FlattenedSize ?? description.InputSize };
        widths.AddRange(description.HiddenSizes);
        for (var i = 0; i + 1 < widths.Count; i++)
            encoder.Add(nn.Linear(widths[i], widths[i + 1]));
        encoder.Add(nn.Linear(widths[^1], description.EncoderOutputSize));

        decoder.Add(nn.Linear(description.LatentDimension, widths[^1]));
        for (var i = widths.Count - 1; i > 0; i--)
            decoder.Add(nn.Linear(widths[i], widths[i - 1]));
        RegisterComponents();
    }

    /// <summary>The encoder's Linear layers, input side first (ONNX export).</summary>
    internal IReadOnlyList<Linear> EncoderLayers => encoder.ToList();

    /// <summary>The decoder's Linear layers, code side first (ONNX export).</summary>
    internal IReadOnlyList<Linear> DecoderLayers => decoder.ToList();

    /// <summary>The encoder's convolutions, input side first (ONNX export); empty for a perceptron.</summary>
    internal IReadOnlyList<Conv2d> ConvolutionLayers => convolutions.ToList();

    /// <summary>The decoder's transposed convolutions, code side first (ONNX export); empty for a perceptron.</summary>
    internal IReadOnlyList<ConvTranspose2d> TransposedConvolutionLayers => transposedConvolutions.ToList();

    /// <summary>What the network is.</summary>
    public NetworkDescription Description { get; }

    /// <summary>The encoder's last (linear) layer output: the code before the bottleneck, or [mu, log-variance] for a VAE.</summary>
    public Tensor EncoderOutput(Tensor input)
    {
        var h = input;
        if (Description.Convolution is { } convolution)
        {
            var image = convolution.Image;
            h = h.reshape(h.shape[0], image.Channels, image.Height, image.Width);
            for (var i = 0; i < convolutions.Count; i++)
                h = Description.HiddenActivation.Apply(ImageLayers.Convolve(h, convolutions[i], convolution.Stages[i]));
            h = h.flatten(1);
        }
        for (var i = 0; i < encoder.Count; i++)
        {
            h = encoder[i].forward(h);
            if (i + 1 < encoder.Count)
                h = Description.HiddenActivation.Apply(h);
        }
        return h;
    }

    /// <summary>The deterministic code: the latent activation, the top-k units, or the posterior mean.</summary>
    public Tensor Code(Tensor encoderOutput, int topK = 0) => Description.Bottleneck switch
    {
        BottleneckKind.Identity => Description.LatentActivation.Apply(encoderOutput),
        BottleneckKind.TopK => KeepTopK(encoderOutput, topK > 0 ? topK : Description.ScoringTopK),
        BottleneckKind.Gaussian => Mean(encoderOutput),
        _ => throw new InvalidOperationException($"Unknown bottleneck {Description.Bottleneck}."),
    };

    /// <summary>The posterior mean of a Gaussian bottleneck.</summary>
    public Tensor Mean(Tensor encoderOutput) => encoderOutput.narrow(1, 0, Description.LatentDimension);

    /// <summary>The posterior log-variance of a Gaussian bottleneck.</summary>
    public Tensor LogVariance(Tensor encoderOutput) => encoderOutput.narrow(1, Description.LatentDimension, Description.LatentDimension);

    /// <summary>Maps codes back to input space.</summary>
    public Tensor Decode(Tensor code)
    {
        // The output activation follows the last layer: the last transposed convolution if there are any.
        var last = decoder.Count + transposedConvolutions.Count - 1;
        Tensor Activate(Tensor h, int layer) =>
            layer < last ? Description.HiddenActivation.Apply(h) : Description.OutputActivation.Apply(h);

        var h = code;
        for (var i = 0; i < decoder.Count; i++)
            h = Activate(decoder[i].forward(h), i);
        if (Description.Convolution is { Stages: var stages })
        {
            h = h.view(h.shape[0], stages[^1].OutputChannels, stages[^1].OutputHeight, stages[^1].OutputWidth);
            for (var i = 0; i < transposedConvolutions.Count; i++)
                h = Activate(ImageLayers.ConvolveTransposed(h, transposedConvolutions[i], stages[stages.Count - 1 - i]), decoder.Count + i);
            h = h.flatten(1);
        }
        return h;
    }

    /// <summary>Deterministic reconstruction: decode(code(x)).</summary>
    public override Tensor forward(Tensor input) => Decode(Code(EncoderOutput(input)));

    /// <summary>Keeps the k largest units of each row and zeroes the others.</summary>
    public static Tensor KeepTopK(Tensor code, int k)
    {
        var (values, indices) = code.topk(k, dim: 1);
        return zeros_like(code).scatter(1, indices, values);
    }
}
