namespace MLNetAutoencoders.Samples.Gallery;

/// <summary>What a gallery sample runs on and where it writes its PNGs.</summary>
public sealed record SampleSettings
{
    /// <summary>The folder the PNGs are written to (created when missing).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Training epochs; null takes the sample's default for the data found.</summary>
    public int? Epochs { get; init; }

    /// <summary>Use only the first N training images; null takes the sample's default cap.</summary>
    public int? Rows { get; init; }

    /// <summary>The network the sample trains (<c>--architecture</c>, Embedding2D, Denoising and VaeGeneration only): MLP unless set.</summary>
    public SampleArchitecture Architecture { get; init; } = SampleArchitecture.Mlp;

    /// <summary>Use only the first N test images; null uses the whole test split.</summary>
    public int? TestRows { get; init; }

    /// <summary>Where the full Fashion-MNIST is looked for; null for the Debian package's folder. Without it there, the embedded subset is used.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The arguments the sample was started with, as typed after <c>--</c>: the results file records the command.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Receives the progress and the summary.</summary>
    public TextWriter Log { get; init; } = Console.Out;
}
