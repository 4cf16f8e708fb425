using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Networks;

/// <summary>
/// The one network every variant shares: an MLP encoder, a bottleneck chosen by the description, and an
/// MLP decoder mirroring the encoder. Variants differ only in their bottleneck and training terms.
/// </summary>
public sealed class AutoencoderNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> encoder = new();
    private readonly ModuleList<Linear> decoder = new();

    /// <summary>Builds a freshly initialised network (TorchSharp's default initialisation, seeded by the caller).</summary>
    public AutoencoderNetwork(NetworkDescription description) : base(nameof(AutoencoderNetwork))
    {
        Description = description;
        var widths = new List<int> { description.InputSize };
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

    /// <summary>What the network is.</summary>
    public NetworkDescription Description { get; }

    /// <summary>The encoder's last (linear) layer output: the code before the bottleneck, or [mu, log-variance] for a VAE.</summary>
    public Tensor EncoderOutput(Tensor input)
    {
        var h = input;
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
        var h = code;
        for (var i = 0; i < decoder.Count; i++)
        {
            h = decoder[i].forward(h);
            h = i + 1 < decoder.Count ? Description.HiddenActivation.Apply(h) : Description.OutputActivation.Apply(h);
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
