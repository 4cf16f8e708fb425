using System.Globalization;
using System.Text.RegularExpressions;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>One recorded run of the PyTorch reference (benchmarks/run-reference.sh output).</summary>
/// <param name="ForeignCores">Cores other processes used on average during the run, from the file's header.</param>
internal sealed record ReferenceRun(string File, double? TrainSamplesPerSecond, double? EncodeRowsPerSecond, double? TestMse, double? Knn5Accuracy, double? ForeignCores);

/// <summary>
/// The PyTorch reference's figures, parsed from its recorded output in benchmarks/results/: quality from the
/// 20-epoch runs reference-pytorch-ae-32.txt and reference-pytorch-ae-2.txt, speed from
/// reference-pytorch-ae-32-speed.txt (a short run on a quiet machine) when present, else from the 20-epoch run.
/// See ../README.md for the commands that produce them.
/// </summary>
internal sealed record ReferenceResults(ReferenceRun? Ae32, ReferenceRun? Ae2, ReferenceRun? Speed)
{
    /// <summary>Set by Program: the results directory.</summary>
    public static string Directory { get; set; } = ".";

    public static ReferenceResults Load(Report report)
    {
        var ae32 = Parse("reference-pytorch-ae-32.txt");
        var ae2 = Parse("reference-pytorch-ae-2.txt");
        var speed = Parse("reference-pytorch-ae-32-speed.txt") ?? ae32;
        foreach (var (run, name) in new[] { (ae32, "reference-pytorch-ae-32.txt"), (ae2, "reference-pytorch-ae-2.txt"), (speed, "speed figures") })
            report.Note(run is null
                ? $"{name}: not found in {Directory}; PyTorch figures missing (run the reference, see benchmarks/README.md)"
                : $"PyTorch {(name == "speed figures" ? "speed figures" : "reference")} read from {run.File}" +
                  (run.ForeignCores is { } f ? $" (other processes used {f:F2} cores during that run)" : ""));
        return new ReferenceResults(ae32, ae2, speed);
    }

    private static ReferenceRun? Parse(string name)
    {
        var path = Path.Combine(Directory, name);
        if (!File.Exists(path))
            return null;
        var values = new Dictionary<string, double>();
        double? foreign = null;
        foreach (var line in File.ReadLines(path))
        {
            var match = Regex.Match(line, @"other processes used ([0-9.]+) cores");
            if (line.StartsWith('#') && match.Success)
                foreign = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                values[parts[0]] = value;
        }
        double? Get(string key) => values.TryGetValue(key, out var v) ? v : null;
        return new ReferenceRun(name, Get("train_samples_per_s"), Get("encode_rows_per_s"), Get("test_mse"), Get("knn5_acc"), foreign);
    }
}
