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

    /// <summary>Largest number of convolution stages accepted.</summary>
    public const int MaxConvolutionStages = 8;

    /// <summary>Largest number of channels a convolution stage may produce.</summary>
    public const int MaxConvolutionChannels = 4096;

    /// <summary>The description version this library writes when the entry carries one; it reads 1 to this.</summary>
    internal const int CurrentVersion = 2;

    /// <summary>Creates and validates a description of a multilayer perceptron.</summary>
    public NetworkDescription(AutoencoderKind kind, int inputSize, IReadOnlyList<int> hiddenSizes, int latentDimension,
        Activation hiddenActivation, Activation latentActivation, Activation outputActivation, int scoringTopK = 0)
        : this(kind, inputSize, hiddenSizes, latentDimension, hiddenActivation, latentActivation, outputActivation, scoringTopK, null)
    {
    }

    /// <summary>
    /// Creates and validates a description; with a <paramref name="convolution"/> the encoder starts with its
    /// stages and the decoder ends with their mirror, the input is the image's values (so <paramref name="inputSize"/>
    /// must equal <see cref="ImageShape.Size"/>) and <paramref name="hiddenSizes"/> are dense layers between the
    /// flattened feature maps and the code.
    /// </summary>
    public NetworkDescription(AutoencoderKind kind, int inputSize, IReadOnlyList<int> hiddenSizes, int latentDimension,
        Activation hiddenActivation, Activation latentActivation, Activation outputActivation, int scoringTopK,
        ConvolutionLayout? convolution)
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
        if (convolution is not null && convolution.Image.Size != inputSize)
            throw new ArgumentException(
                $"The image {convolution.Image} holds {convolution.Image.Size} values; the input size is {inputSize}.", nameof(convolution));

        Kind = kind;
        InputSize = inputSize;
        HiddenSizes = hiddenSizes.ToArray();
        LatentDimension = latentDimension;
        HiddenActivation = hiddenActivation;
        LatentActivation = latentActivation;
        OutputActivation = outputActivation;
        ScoringTopK = kind == AutoencoderKind.KSparse ? scoringTopK : 0;
        Convolution = convolution;
    }

    /// <summary>The convolution stages of a convolutional network; null for a multilayer perceptron.</summary>
    public ConvolutionLayout? Convolution { get; }

    /// <summary>The shape of the input image of a convolutional network; null for a multilayer perceptron.</summary>
    public ImageShape? ImageShape => Convolution?.Image;

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
            static long Linear(long inputs, long outputs) => checked(inputs * outputs + outputs);
            // A convolutional network's dense layers start from the flattened feature maps, not from the pixels.
            var widths = HiddenSizes.Prepend(Convolution?.FlattenedSize ?? InputSize).Select(w => (long)w).ToList();
            long count = checked(Linear(widths[^1], EncoderOutputSize) + Linear(LatentDimension, widths[^1]) + (Convolution?.ParameterCount ?? 0));
            for (var i = 0; i + 1 < widths.Count; i++)
                count = checked(count + Linear(widths[i], widths[i + 1]) + Linear(widths[i + 1], widths[i]));
            return count;
        }
    }

    /// <summary>
    /// Writes the description. Without <paramref name="carriesVersion"/> it writes version 1 (no version field, no
    /// architecture: what entries written before description versions hold), which cannot describe a convolution;
    /// with it, version <see cref="CurrentVersion"/>, starting with its own version number.
    /// </summary>
    internal void Write(BinaryWriter writer, bool carriesVersion)
    {
        if (!carriesVersion)
        {
            if (Convolution is not null)
                throw new InvalidOperationException("Description version 1 cannot hold a convolutional network; write version 2.");
            WriteVersion1Fields(writer);
            return;
        }
        writer.Write(CurrentVersion);
        WriteVersion1Fields(writer);
        writer.Write(Convolution is null ? MultilayerPerceptron : Convolutional);
        if (Convolution is null) return;
        writer.Write(Convolution.Image.Channels);
        writer.Write(Convolution.Image.Height);
        writer.Write(Convolution.Image.Width);
        writer.Write(Convolution.Stages.Count);
        foreach (var stage in Convolution.Stages)
        {
            writer.Write(stage.OutputChannels);
            writer.Write(stage.KernelSize);
            writer.Write(stage.Stride);
            writer.Write(stage.Padding);
        }
    }

    /// <summary>Writes description version 1, the format of entries without a description version.</summary>
    internal void Write(BinaryWriter writer) => Write(writer, carriesVersion: false);

    private const int MultilayerPerceptron = 0;
    private const int Convolutional = 1;

    private void WriteVersion1Fields(BinaryWriter writer)
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

    /// <summary>Reads description version 1, the format of entries without a description version.</summary>
    internal static NetworkDescription Read(BinaryReader reader) => Read(reader, carriesVersion: false);

    /// <summary>
    /// Reads and validates a description, before anything is allocated: <paramref name="carriesVersion"/> says whether
    /// the entry's version stamp is one whose description starts with its own version number.
    /// </summary>
    /// <exception cref="FormatException">The description is of an unknown version or describes an invalid network.</exception>
    internal static NetworkDescription Read(BinaryReader reader, bool carriesVersion)
    {
        var version = carriesVersion ? reader.ReadInt32() : 1;
        if (version < 1 || version > CurrentVersion)
            throw Invalid($"description version {version}; this library reads versions 1 to {CurrentVersion}" +
                (version > CurrentVersion ? ": the file was written by a newer MLNetAutoencoders." : "."));
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
            var convolution = version >= 2 ? ReadConvolution(reader) : null;
            description = new NetworkDescription(kind, input, hidden, latent, hiddenActivation, latentActivation, outputActivation, topK, convolution);
        }
        catch (ArgumentException ex)
        {
            throw Invalid(ex.Message, ex);
        }
        // The weights follow in the same entry: a description claiming more than the entry holds is corrupt,
        // and is rejected here, before the network is allocated.
        var stream = reader.BaseStream;
        if (stream.CanSeek && description.ParameterCount * sizeof(float) > stream.Length - stream.Position)
            throw new FormatException(
                $"Model file describes a network of {description.ParameterCount} parameters but holds only {stream.Length - stream.Position} more bytes.");
        return description;
    }

    /// <summary>Reads version 2's architecture and, for a convolutional network, its image and stages.</summary>
    private static ConvolutionLayout? ReadConvolution(BinaryReader reader)
    {
        var architecture = reader.ReadInt32();
        if (architecture == MultilayerPerceptron) return null;
        if (architecture != Convolutional)
            throw Invalid($"architecture {architecture}; expected {MultilayerPerceptron} (multilayer perceptron) or {Convolutional} (convolutional).");
        var image = new ImageShape(reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
        var stageCount = reader.ReadInt32();
        // Checked before the arrays are sized by it.
        if (stageCount < 1 || stageCount > MaxConvolutionStages)
            throw Invalid($"{stageCount} convolution stages; 1 to {MaxConvolutionStages} are allowed.");
        int[] channels = new int[stageCount], kernels = new int[stageCount], strides = new int[stageCount], paddings = new int[stageCount];
        for (var i = 0; i < stageCount; i++)
        {
            channels[i] = reader.ReadInt32();
            kernels[i] = reader.ReadInt32();
            strides[i] = reader.ReadInt32();
            paddings[i] = reader.ReadInt32();
        }
        return new ConvolutionLayout(image, channels, kernels, strides, paddings);
    }

    private static FormatException Invalid(string reason, Exception? inner = null) =>
        new($"Model file describes an invalid network: {reason}", inner);

    private static void Check(int size, string name)
    {
        if (size < 1 || size > MaxLayerSize)
            throw new ArgumentOutOfRangeException(name, size, $"Layer sizes must be in [1, {MaxLayerSize}].");
    }
}
