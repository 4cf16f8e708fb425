using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.QuickStart;

/// <summary>Command line: --epochs N, --rows N, --output DIR, --embedded, --export-onnx PATH.</summary>
internal sealed record QuickStartArguments(int? Epochs, int? Rows, string? OutputDirectory, bool Embedded = false, string? OnnxPath = null)
{
    public const string Usage =
        "Usage: dotnet run --project samples/QuickStart [-- [--epochs N] [--rows N] [--output DIR] [--embedded] [--export-onnx PATH]]\n" +
        "  --epochs N    training epochs (default: 20 on the full dataset, 100 on the embedded subset)\n" +
        "  --rows N      use only the first N training images (default: all)\n" +
        "  --output DIR  where the model zip is written (default: <temp>/mlnet-autoencoders-quickstart)\n" +
        "  --embedded    use the small subset embedded in MLNetAutoencoders.SampleData even when the full dataset is installed\n" +
        "  --export-onnx PATH  also convert the fitted autoencoder to ONNX (PATH, e.g. model.onnx) and write 1,000 test rows\n" +
        "                      beside it (model.rows.csv), for samples/OnnxScoring";

    /// <summary>Parses the arguments; on failure <paramref name="error"/> says why (null for --help).</summary>
    public static bool TryParse(string[] args, out QuickStartArguments result, out string? error)
    {
        result = new QuickStartArguments(null, null, null);
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
                return false;
            if (name == "--embedded")
            {
                result = result with { Embedded = true };
                continue;
            }
            if (i + 1 >= args.Length)
            {
                error = $"Missing value after {name}.";
                return false;
            }
            var value = args[++i];
            switch (name)
            {
                case "--epochs" when int.TryParse(value, out var epochs) && epochs > 0:
                    result = result with { Epochs = epochs };
                    break;
                case "--rows" when int.TryParse(value, out var rows) && rows > 0:
                    result = result with { Rows = rows };
                    break;
                case "--output":
                    result = result with { OutputDirectory = value };
                    break;
                case "--export-onnx":
                    result = result with { OnnxPath = Path.GetFullPath(value) };
                    break;
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
}

/// <summary>Prints one line per epoch, synchronously (System.Progress would post to the thread pool and may reorder lines).</summary>
internal sealed class ConsoleProgress : IProgress<AutoencoderTrainingProgress>
{
    public void Report(AutoencoderTrainingProgress p) =>
        Console.WriteLine($"  epoch {p.Epoch,3}/{p.NumberOfEpochs}  loss {p.TrainingLoss:F5}  " +
                          $"{p.Elapsed.TotalSeconds,6:F1} s elapsed, ~{p.EstimatedRemaining.TotalSeconds:F0} s left");
}

/// <summary>Reads columns of an IDataView into arrays.</summary>
internal static class Columns
{
    public static float[] ReadScalar(IDataView data, string name)
    {
        var column = data.Schema[name];
        var values = new List<float>();
        using var cursor = data.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<float>(column);
        var value = 0f;
        while (cursor.MoveNext())
        {
            getter(ref value);
            values.Add(value);
        }
        return values.ToArray();
    }

    public static float[][] ReadVectors(IDataView data, string name)
    {
        var column = data.Schema[name];
        var rows = new List<float[]>();
        using var cursor = data.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var buffer = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            var row = new float[buffer.Length];
            buffer.CopyTo(row);
            rows.Add(row);
        }
        return rows.ToArray();
    }
}
