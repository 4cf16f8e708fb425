namespace MLNetAutoencoders.Samples.Gallery;

/// <summary>
/// The command line every gallery sample takes: --output DIR, --epochs N, --rows N, --data DIR; Embedding2D, Denoising
/// and VaeGeneration also take --architecture mlp|conv.
/// </summary>
public static class SampleArguments
{
    /// <summary>The samples that can train a convolutional network instead of their MLP (design conv-autoencoders.md §12).</summary>
    public static IReadOnlyList<string> ArchitectureProjects { get; } = [Embedding2DSample.Project, DenoisingSample.Project, VaeGenerationSample.Project];

    /// <summary>Whether the sample in samples/<paramref name="project"/> takes --architecture.</summary>
    public static bool TakesArchitecture(string project) => ArchitectureProjects.Contains(project);

    /// <summary>The usage text of the sample in samples/<paramref name="project"/>.</summary>
    public static string Usage(string project, string defaultEpochs, string defaultRows) =>
        $"Usage: dotnet run --project samples/{project} -c Release [-- [--epochs N] [--rows N] [--output DIR] [--data DIR]" +
        (TakesArchitecture(project) ? " [--architecture mlp|conv]" : "") + "]\n" +
        $"  --epochs N    training epochs (default: {defaultEpochs})\n" +
        $"  --rows N      use only the first N training images (default: {defaultRows})\n" +
        $"  --output DIR  where the PNGs and the results file are written (default: {DefaultOutput(project)})\n" +
        $"  --data DIR    where the full Fashion-MNIST's IDX files are looked for (default: {SampleData.FashionMnist.DefaultDirectory});\n" +
        $"                without them there, the embedded 5,000 + 1,000 image subset is used" +
        (TakesArchitecture(project)
            ? "\n  --architecture mlp|conv  the network trained: the sample's MLP over 784 pixels, or a convolutional network over\n" +
              "                the 1 x 28 x 28 image (channels [32, 64], same code size and training settings) (default: mlp)"
            : "");

    /// <summary>
    /// The command that runs the sample in samples/<paramref name="project"/> with <paramref name="arguments"/>, as
    /// typed from the repository root (an argument a shell would split or expand is quoted).
    /// </summary>
    public static string CommandLine(string project, IReadOnlyList<string> arguments) =>
        $"dotnet run --project samples/{project} -c Release" + (arguments.Count == 0 ? "" : " -- " + string.Join(' ', arguments.Select(Quoted)));

    /// <summary>Parses the arguments; on failure <paramref name="error"/> says why (null for --help).</summary>
    public static bool TryParse(string[] args, string project, out SampleSettings settings, out string? error)
    {
        settings = new SampleSettings { OutputDirectory = DefaultOutput(project), Arguments = [.. args] };
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
                return false;
            if (i + 1 >= args.Length)
            {
                error = $"Missing value after {name}.";
                return false;
            }
            var value = args[++i];
            switch (name)
            {
                case "--epochs" when int.TryParse(value, out var epochs) && epochs > 0:
                    settings = settings with { Epochs = epochs };
                    break;
                case "--rows" when int.TryParse(value, out var rows) && rows > 0:
                    settings = settings with { Rows = rows };
                    break;
                case "--output":
                    settings = settings with { OutputDirectory = value };
                    break;
                case "--data":
                    settings = settings with { DataDirectory = value };
                    break;
                case "--architecture" when TakesArchitecture(project) && SampleNetworks.TryParse(value, out var architecture):
                    settings = settings with { Architecture = architecture };
                    break;
                case "--architecture" when TakesArchitecture(project):
                    error = $"--architecture expects mlp or conv, got '{value}'.";
                    return false;
                case "--epochs" or "--rows":
                    error = $"{name} expects a positive integer, got '{value}'.";
                    return false;
                default:
                    error = $"Unknown argument '{name}'.";
                    return false;
            }
        }
        return true;
    }

    private static string Quoted(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@%+,".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''") + "'";

    private static string DefaultOutput(string project) => Path.Combine("out", project.ToLowerInvariant());
}
