using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>One measured figure: ours against a yardstick, with the target it is held to.</summary>
/// <param name="Benchmark">e.g. "Fit", "Transform".</param>
/// <param name="Metric">What was measured, with its unit.</param>
/// <param name="Ours">Median of our samples.</param>
/// <param name="Reference">Median of the yardstick's samples (raw TorchSharp, PyTorch or ML.NET PCA), if any.</param>
/// <param name="ReferenceName">What the yardstick is.</param>
/// <param name="Ratio">Ours / reference (or the figure the target is stated on).</param>
/// <param name="Target">The target, human-readable, e.g. "ratio ≥ 0.90".</param>
/// <param name="Pass">Whether the target is met; null when there is no target.</param>
/// <param name="OursSamples">Every repeat's value.</param>
/// <param name="ReferenceSamples">Every repeat's value of the yardstick.</param>
/// <param name="Note">Anything needed to read the figure.</param>
internal sealed record Measurement(string Benchmark, string Metric, double Ours, double? Reference, string? ReferenceName,
    double? Ratio, string? Target, bool? Pass, double[] OursSamples, double[] ReferenceSamples, string? Note = null);

/// <summary>Collects measurements, prints them as a Markdown table and writes them as JSON.</summary>
internal sealed class Report
{
    private readonly List<Measurement> measurements = new();
    private readonly List<string> notes = new();
    private readonly int firstContentionEvent = Contention.Events.Count;

    public Report(string name, string[] args)
    {
        Name = name;
        Arguments = args;
        Started = DateTimeOffset.Now;
        LoadAverageAtStart = LoadAverage();
    }

    public string Name { get; }

    public string[] Arguments { get; }

    public DateTimeOffset Started { get; }

    public string LoadAverageAtStart { get; }

    public IReadOnlyList<Measurement> Measurements => measurements;

    public void Add(Measurement m)
    {
        measurements.Add(m);
        Console.WriteLine($"  -> {m.Benchmark}: {m.Metric} = {Format(m.Ours)}" +
                          (m.Reference is { } r ? $" vs {Format(r)} ({m.ReferenceName}), ratio {m.Ratio:F3}" : "") +
                          (m.Target is null ? "" : $", target {m.Target}: {(m.Pass == true ? "PASS" : "FAIL")}"));
    }

    public void Note(string note)
    {
        notes.Add(note);
        Console.WriteLine($"  note: {note}");
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
            return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static string Format(double value) => Math.Abs(value) switch
    {
        0 => "0",
        >= 1000 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("F1", CultureInfo.InvariantCulture),
        >= 0.1 => value.ToString("F3", CultureInfo.InvariantCulture),
        _ => value.ToString("G4", CultureInfo.InvariantCulture),
    };

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| Benchmark | Metric | Ours | Reference | Ratio | Target | Result |");
        sb.AppendLine("|---|---|---:|---:|---:|---|---|");
        foreach (var m in measurements)
        {
            var reference = m.Reference is { } r ? $"{Format(r)} ({m.ReferenceName})" : "";
            var ratio = m.Ratio is { } q ? q.ToString("F3", CultureInfo.InvariantCulture) : "";
            var result = m.Pass switch { true => "PASS", false => "**FAIL**", null => "" };
            sb.AppendLine($"| {m.Benchmark} | {m.Metric} | {Format(m.Ours)} | {reference} | {ratio} | {m.Target ?? ""} | {result} |");
        }
        return sb.ToString();
    }

    /// <summary>Prints the table and writes <c>{Name}.json</c> into <paramref name="directory"/>.</summary>
    public string Finish(string directory)
    {
        notes.AddRange(Contention.Events.Skip(firstContentionEvent));
        Console.WriteLine();
        Console.WriteLine($"## {Name} ({Started:yyyy-MM-dd HH:mm}, {Environment.ProcessorCount} logical cores, torch threads {torch.get_num_threads()}, load average at start {LoadAverageAtStart})");
        Console.WriteLine();
        Console.Write(ToMarkdown());
        foreach (var note in notes)
            Console.WriteLine($"- {note}");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{Name}.json");
        var document = new
        {
            name = Name,
            arguments = Arguments,
            started = Started,
            finished = DateTimeOffset.Now,
            machine = new
            {
                logicalCores = Environment.ProcessorCount,
                cpu = CpuModel(),
                os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                dotnet = Environment.Version.ToString(),
                torchThreads = torch.get_num_threads(),
                torchInteropThreads = torch.get_num_interop_threads(),
                loadAverageAtStart = LoadAverageAtStart,
                loadAverageAtEnd = LoadAverage(),
            },
            gitCommit = GitCommit(),
            measurements,
            notes,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions
        {
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        }));
        Console.WriteLine($"Results written to {path}");
        return path;
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string GitCommit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD") { RedirectStandardOutput = true, RedirectStandardError = true });
            var output = git!.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : "n/a";
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "n/a";
        }
    }
}
