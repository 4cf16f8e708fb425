using System.Globalization;
using System.Text;
using TorchSharp;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>A target on a figure: at least (higher is better) or at most <see cref="Threshold"/>.</summary>
internal sealed record Target(double Threshold, bool HigherIsBetter)
{
    public static Target AtLeast(double threshold) => new(threshold, true);

    public static Target AtMost(double threshold) => new(threshold, false);

    public bool IsMetBy(double value) => HigherIsBetter ? value >= Threshold : value <= Threshold;

    public override string ToString() => (HigherIsBetter ? "≥ " : "≤ ") + Threshold.ToString("0.00##", CultureInfo.InvariantCulture);
}

/// <summary>
/// The one verdict rule of every benchmark: PASS only when every sample (every paired ratio, every seed) clears
/// the target, FAIL only when every sample misses it, otherwise "inconclusive". A sample taken while other
/// processes used the CPU (<see cref="Contention"/>), or fewer samples than the benchmark's minimum (5 paired
/// repeats for speed, 3 seeds for quality), make a PASS or FAIL "inconclusive" too.
/// </summary>
internal static class Verdict
{
    public const string Pass = "PASS";
    public const string Fail = "FAIL";
    public const string Inconclusive = "inconclusive";

    /// <summary>Paired repeats a speed figure needs for a PASS or FAIL.</summary>
    public const int MinimumRepeats = 5;

    /// <summary>Seeds a quality figure needs for a PASS or FAIL.</summary>
    public const int MinimumSeeds = 3;

    public static string Of(IReadOnlyCollection<double> samples, Target target, int contendedSamples = 0, int minimumSamples = 1)
    {
        if (samples.Count == 0)
            throw new ArgumentException("A verdict needs at least one sample.", nameof(samples));
        var met = samples.Count(target.IsMetBy);
        if (contendedSamples > 0 || samples.Count < minimumSamples || (met > 0 && met < samples.Count))
            return Inconclusive;
        return met == samples.Count ? Pass : Fail;
    }
}

/// <summary>One sample of a paired comparison: ours and the yardstick measured back to back.</summary>
/// <param name="Ours">Our figure.</param>
/// <param name="Reference">The yardstick's figure in the same repeat (or for the same seed).</param>
/// <param name="Label">e.g. "repeat 3" or "seed 2".</param>
/// <param name="ForeignCores">The larger of the cores other processes used during either side, if measured.</param>
/// <param name="Load">The load average when the repeat ended.</param>
internal sealed record Pair(double Ours, double Reference, string Label, double? ForeignCores = null, string? Load = null)
{
    public double Ratio => Ours / Reference;

    public bool Contended => ForeignCores is { } f && Contention.IsContended(f);
}

/// <summary>
/// One measured figure. <see cref="Ours"/>, <see cref="Reference"/> and <see cref="Ratio"/> are medians over the
/// samples; the min–max of each and every sample are kept, with the verdict of <see cref="Benchmarks.Verdict"/>.
/// </summary>
/// <param name="Benchmark">e.g. "Fit", "Transform".</param>
/// <param name="Metric">What was measured, with its unit.</param>
/// <param name="Ours">Median of our samples.</param>
/// <param name="Reference">Median of the yardstick's samples (raw TorchSharp, PyTorch or ML.NET PCA), if any.</param>
/// <param name="ReferenceName">What the yardstick is.</param>
/// <param name="Ratio">Median of the paired ratios ours / reference.</param>
/// <param name="Target">The target, human-readable, e.g. "ratio ≥ 0.90".</param>
/// <param name="Verdict">PASS, FAIL or inconclusive; null when there is no target.</param>
/// <param name="OursSamples">Every sample's value.</param>
/// <param name="ReferenceSamples">Every sample's value of the yardstick.</param>
/// <param name="Note">Anything needed to read the figure.</param>
internal sealed record Measurement(string Benchmark, string Metric, double Ours, double? Reference, string? ReferenceName,
    double? Ratio, string? Target, string? Verdict, double[] OursSamples, double[] ReferenceSamples, string? Note = null)
{
    public double? OursMin { get; init; }
    public double? OursMax { get; init; }
    public double? ReferenceMin { get; init; }
    public double? ReferenceMax { get; init; }
    public double? RatioMin { get; init; }
    public double? RatioMax { get; init; }

    /// <summary>Paired ratios ours / reference, in sample order.</summary>
    public double[]? Ratios { get; init; }

    /// <summary>What each sample is ("repeat 1", "seed 1", ...).</summary>
    public string[]? Labels { get; init; }

    /// <summary>Cores other processes used during each sample (the larger of a pair's two sides).</summary>
    public double[]? ForeignCores { get; init; }

    /// <summary>The load average at the end of each sample.</summary>
    public string[]? Loads { get; init; }

    /// <summary>How many samples were taken while other processes used the CPU (see <see cref="Contention"/>).</summary>
    public int ContendedSamples { get; init; }

    /// <summary>
    /// Ours against a yardstick over paired samples: medians, min–max, every ratio, and the verdict on the ratios'
    /// whole range when <paramref name="target"/> is given.
    /// </summary>
    public static Measurement Paired(string benchmark, string metric, string referenceName, IReadOnlyList<Pair> pairs, Target? target = null,
        string? note = null, int minimumSamples = 1)
    {
        var ours = pairs.Select(p => p.Ours).ToArray();
        var reference = pairs.Select(p => p.Reference).ToArray();
        var ratios = pairs.Select(p => p.Ratio).ToArray();
        var contended = pairs.Count(p => p.Contended);
        return new Measurement(benchmark, metric, Median(ours), Median(reference), referenceName, Median(ratios),
            target is null ? null : $"ratio {target}", target is null ? null : Benchmarks.Verdict.Of(ratios, target, contended, minimumSamples), ours, reference,
            minimumSamples > pairs.Count && target is not null ? $"{note}{(note is null ? "" : "; ")}fewer than {minimumSamples} samples: no verdict" : note)
        {
            OursMin = ours.Min(), OursMax = ours.Max(),
            ReferenceMin = reference.Min(), ReferenceMax = reference.Max(),
            RatioMin = ratios.Min(), RatioMax = ratios.Max(),
            Ratios = ratios,
            Labels = pairs.Select(p => p.Label).ToArray(),
            ForeignCores = pairs.All(p => p.ForeignCores is null) ? null : pairs.Select(p => p.ForeignCores ?? 0).ToArray(),
            Loads = pairs.All(p => p.Load is null) ? null : pairs.Select(p => p.Load ?? "n/a").ToArray(),
            ContendedSamples = contended,
        };
    }

    /// <summary>Our figure alone over its samples, with the verdict on their whole range when <paramref name="target"/> is given.</summary>
    public static Measurement Samples(string benchmark, string metric, IReadOnlyList<double> samples, IReadOnlyList<string>? labels = null,
        Target? target = null, string? note = null, IReadOnlyList<double>? foreignCores = null, int minimumSamples = 1)
    {
        var contended = foreignCores?.Count(Contention.IsContended) ?? 0;
        return new Measurement(benchmark, metric, Median(samples), null, null, null, target?.ToString(),
            target is null ? null : Benchmarks.Verdict.Of(samples.ToArray(), target, contended, minimumSamples), samples.ToArray(), [],
            minimumSamples > samples.Count && target is not null ? $"{note}{(note is null ? "" : "; ")}fewer than {minimumSamples} samples: no verdict" : note)
        {
            OursMin = samples.Min(), OursMax = samples.Max(),
            Labels = labels?.ToArray(),
            ForeignCores = foreignCores?.ToArray(),
            ContendedSamples = contended,
        };
    }

    private static double Median(IEnumerable<double> values) => Report.Median(values);
}

/// <summary>Collects measurements, prints them as a Markdown table and writes them, with the <see cref="RunRecord"/>, as JSON.</summary>
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
        LoadAverageAtStart = RunRecord.LoadAverage();
    }

    public string Name { get; }

    public string[] Arguments { get; }

    public DateTimeOffset Started { get; }

    public string LoadAverageAtStart { get; }

    public IReadOnlyList<Measurement> Measurements => measurements;

    /// <summary>Extra top-level properties of the results file (e.g. the settings of the run).</summary>
    public Dictionary<string, object> Details { get; } = new();

    public void Add(Measurement m)
    {
        measurements.Add(m);
        Console.WriteLine($"  -> {m.Benchmark}: {m.Metric} = {Format(m.Ours)}" + Range(m.OursMin, m.OursMax) +
                          (m.Reference is { } r ? $" vs {Format(r)}{Range(m.ReferenceMin, m.ReferenceMax)} ({m.ReferenceName}), ratio {m.Ratio:F3}{Range(m.RatioMin, m.RatioMax, "F3")}" : "") +
                          (m.Target is null ? "" : $", target {m.Target}: {m.Verdict}") +
                          (m.ContendedSamples > 0 ? $" ({m.ContendedSamples} contended samples)" : ""));
    }

    public void Note(string note)
    {
        notes.Add(note);
        Console.WriteLine($"  note: {note}");
    }

    /// <summary>Rates of equal amounts of work pooled: the samples of all over the seconds of all (the harmonic mean).</summary>
    public static double Pooled(IEnumerable<double> rates)
    {
        var all = rates.ToArray();
        return all.Length / all.Sum(rate => 1 / rate);
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
            return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>benchmarks/results of this repository (found from the working directory), else ./benchmark-results.</summary>

    public static string Format(double value) => Math.Abs(value) switch
    {
        0 => "0",
        >= 1000 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("F1", CultureInfo.InvariantCulture),
        >= 0.1 => value.ToString("F3", CultureInfo.InvariantCulture),
        _ => value.ToString("G4", CultureInfo.InvariantCulture),
    };

    private static string Range(double? min, double? max, string? format = null) =>
        min is { } lo && max is { } hi && lo != hi
            ? $" [{(format is null ? Format(lo) : lo.ToString(format, CultureInfo.InvariantCulture))}–{(format is null ? Format(hi) : hi.ToString(format, CultureInfo.InvariantCulture))}]"
            : "";

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| Benchmark | Metric | Ours | Reference | Ratio | Target | Result |");
        sb.AppendLine("|---|---|---:|---:|---:|---|---|");
        foreach (var m in measurements)
        {
            var reference = m.Reference is { } r ? $"{Format(r)}{Range(m.ReferenceMin, m.ReferenceMax)} ({m.ReferenceName})" : "";
            var ratio = m.Ratio is { } q ? q.ToString("F3", CultureInfo.InvariantCulture) + Range(m.RatioMin, m.RatioMax, "F3") : "";
            sb.AppendLine($"| {m.Benchmark} | {m.Metric} | {Format(m.Ours)}{Range(m.OursMin, m.OursMax)} | {reference} | {ratio} | {m.Target ?? ""} | {m.Verdict ?? ""} |");
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
        var document = new Dictionary<string, object>
        {
            ["run"] = RunRecord.Finish(Arguments, Started, LoadAverageAtStart),
            ["name"] = Name,
        };
        foreach (var (key, value) in Details)
            document[key] = value;
        document["measurements"] = measurements;
        document["notes"] = notes;
        return RunRecord.Write(directory, Name, document);
    }
}
