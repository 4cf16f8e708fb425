namespace MLNetAutoencoders.Samples.OnnxScoring;

/// <summary>Command line: MODEL.onnx [--calls N].</summary>
internal sealed record ScoringArguments(string ModelPath, int Calls)
{
    public const int DefaultCalls = 3000;

    public const string Usage =
        "Usage: dotnet run -c Release --project samples/OnnxScoring -- MODEL.onnx [--calls N]\n" +
        "  MODEL.onnx  a model exported by samples/QuickStart --export-onnx MODEL.onnx (MODEL.rows.csv must be beside it)\n" +
        "  --calls N   timed single-row PredictionEngine calls (default: 3000)";

    /// <summary>Parses the arguments; on failure <paramref name="error"/> says why (null for --help).</summary>
    public static bool TryParse(string[] args, out ScoringArguments result, out string? error)
    {
        result = new ScoringArguments("", DefaultCalls);
        error = null;
        string? model = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
                return false;
            if (name == "--calls")
            {
                if (i + 1 >= args.Length || !int.TryParse(args[++i], out var calls) || calls <= 0)
                {
                    error = "--calls expects a positive integer.";
                    return false;
                }
                result = result with { Calls = calls };
            }
            else if (name.StartsWith('-') || model is not null)
            {
                error = $"Unknown argument '{name}'.";
                return false;
            }
            else
            {
                model = name;
            }
        }
        if (model is null)
        {
            error = "Missing the model path.";
            return false;
        }
        result = result with { ModelPath = Path.GetFullPath(model) };
        return true;
    }
}
