namespace MLNetAutoencoders.Networks;

/// <summary>
/// Everything needed to rebuild a fitted network before its weights are loaded: sizes, activations and
/// the bottleneck. Validated on construction, so a model file can never describe an impossible network.
/// </summary>
public sealed class NetworkDescription
{
    /// <summary>Largest layer width accepted, so a corrupted model file cannot request a huge allocation.</summary>
    public const int MaxLayerSize = 1 << 20;

    /// <summary>Largest number of hidden layers accepted.</summary>
    public const int MaxHiddenLayers = 64;

    /// <summary>Creates and validates a description.</summary>
    public NetworkDescription(AutoencoderKind kind, int inputSize, IReadOnlyList<int> hiddenSizes, int latentDimension,
        Activation hiddenActivation, Activation latentActivation, Activation outputActivation, int scoringTopK = 0)
    {
        Check(inputSize, nameof(inputSize));
        Check(latentDimension, nameof(latentDimension));
        if (hiddenSizes is null || hiddenSizes.Count > MaxHiddenLayers)
            throw new ArgumentException($"Expected at most {MaxHiddenLayers} hidden layers.", nameof(hiddenSizes));
        foreach (var size in hiddenSizes)
            Check(size, nameof(hiddenSizes));
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown autoencoder kind.");
        foreach (var a in new[] { hiddenActivation, latentActivation, outputActivation })
            if (!Enum.IsDefined(a)) throw new ArgumentOutOfRangeException(nameof(hiddenActivation), a, "Unknown activation.");
        if (kind == AutoencoderKind.KSparse && (scoringTopK < 1 || scoringTopK > latentDimension))
            throw new ArgumentOutOfRangeException(nameof(scoringTopK), scoringTopK, $"The number of units kept at scoring time must be in [1, {latentDimension}].");

        Kind = kind;
        InputSize = inputSize;
        HiddenSizes = hiddenSizes.ToArray();
        LatentDimension = latentDimension;
        HiddenActivation = hiddenActivation;
        LatentActivation = latentActivation;
        OutputActivation = outputActivation;
        ScoringTopK = kind == AutoencoderKind.KSparse ? scoringTopK : 0;
    }

    /// <summary>The variant the network was trained as.</summary>
    public AutoencoderKind Kind { get; }

    /// <summary>Size of the input (and reconstruction) vector.</summary>
    public int InputSize { get; }

    /// <summary>Encoder hidden layer widths, input side first; the decoder mirrors them.</summary>
    public IReadOnlyList<int> HiddenSizes { get; }

    /// <summary>Size of the code (embedding).</summary>
    public int LatentDimension { get; }

    /// <summary>Size of the code: the former name of <see cref="LatentDimension"/>.</summary>
    [Obsolete("Use LatentDimension, the name the options and the transformers use.")]
    public int LatentSize => LatentDimension;

    /// <summary>Activation of every hidden layer.</summary>
    public Activation HiddenActivation { get; }

    /// <summary>Activation of the code (identity for the k-sparse and variational bottlenecks).</summary>
    public Activation LatentActivation { get; }

    /// <summary>Activation of the reconstruction.</summary>
    public Activation OutputActivation { get; }

    /// <summary>Units kept by the k-sparse bottleneck at scoring time (alpha * k); 0 for other kinds.</summary>
    public int ScoringTopK { get; }

    /// <summary>The bottleneck that the kind implies.</summary>
    public BottleneckKind Bottleneck => Kind switch
    {
        AutoencoderKind.KSparse => BottleneckKind.TopK,
        AutoencoderKind.Variational => BottleneckKind.Gaussian,
        _ => BottleneckKind.Identity,
    };

    /// <summary>Width of the encoder's last linear layer (twice the latent size for a Gaussian bottleneck).</summary>
    public int EncoderOutputSize => Bottleneck == BottleneckKind.Gaussian ? 2 * LatentDimension : LatentDimension;

    /// <summary>Number of weights and biases of the encoder and decoder together.</summary>
    public long ParameterCount
    {
        get
        {
            static long Linear(long inputs, long outputs) => inputs * outputs + outputs;
            var widths = HiddenSizes.Prepend(InputSize).Select(w => (long)w).ToList();
            long count = Linear(widths[^1], EncoderOutputSize) + Linear(LatentDimension, widths[^1]);
            for (var i = 0; i + 1 < widths.Count; i++)
                count += Linear(widths[i], widths[i + 1]) + Linear(widths[i + 1], widths[i]);
            return count;
        }
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write((int)Kind);
        writer.Write(InputSize);
        writer.Write(HiddenSizes.Count);
        foreach (var size in HiddenSizes)
            writer.Write(size);
        writer.Write(LatentDimension);
        writer.Write((int)HiddenActivation);
        writer.Write((int)LatentActivation);
        writer.Write((int)OutputActivation);
        writer.Write(ScoringTopK);
    }

    internal static NetworkDescription Read(BinaryReader reader)
    {
        var kind = (AutoencoderKind)reader.ReadInt32();
        var input = reader.ReadInt32();
        var hiddenCount = reader.ReadInt32();
        if (hiddenCount < 0 || hiddenCount > MaxHiddenLayers)
            throw new FormatException($"Model file claims {hiddenCount} hidden layers; at most {MaxHiddenLayers} are allowed.");
        var hidden = new int[hiddenCount];
        for (var i = 0; i < hiddenCount; i++)
            hidden[i] = reader.ReadInt32();
        var latent = reader.ReadInt32();
        var hiddenActivation = (Activation)reader.ReadInt32();
        var latentActivation = (Activation)reader.ReadInt32();
        var outputActivation = (Activation)reader.ReadInt32();
        var topK = reader.ReadInt32();
        NetworkDescription description;
        try
        {
            description = new NetworkDescription(kind, input, hidden, latent, hiddenActivation, latentActivation, outputActivation, topK);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"Model file describes an invalid network: {ex.Message}", ex);
        }
        // The weights follow in the same entry: a description claiming more than the entry holds is corrupt,
        // and is rejected here, before the network is allocated.
        var stream = reader.BaseStream;
        if (stream.CanSeek && description.ParameterCount * sizeof(float) > stream.Length - stream.Position)
            throw new FormatException(
                $"Model file describes a network of {description.ParameterCount} parameters but holds only {stream.Length - stream.Position} more bytes.");
        return description;
    }

    private static void Check(int size, string name)
    {
        if (size < 1 || size > MaxLayerSize)
            throw new ArgumentOutOfRangeException(name, size, $"Layer sizes must be in [1, {MaxLayerSize}].");
    }
}
