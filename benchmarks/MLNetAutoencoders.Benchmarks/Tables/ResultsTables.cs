using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// The Markdown the READMEs show for each results file, rendered from the file alone (System.* only: the test
/// project compiles Tables/*.cs by link). This part holds what the renderers share: the measurement table of a
/// results file written by Report, numbers as the benchmark prints them, and the line naming the run.
/// </summary>
internal static partial class ResultsTables
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// One row per measurement: medians with min–max, the median paired ratio with min–max, the target and the
    /// verdict; <paramref name="perSampleHeader"/> adds a column with every sample (per repeat or per seed).
    /// </summary>
    private static string MeasurementTable(JsonNode results, string? perSampleHeader = null, Func<JsonNode, string>? perSample = null)
    {
        var sb = new StringBuilder();
        sb.Append("| Benchmark | Metric | Ours (median, min–max) | Reference (median, min–max) | Ratio (median, min–max) | Target | Result |");
        sb.AppendLine(perSampleHeader is null ? "" : $" {perSampleHeader} |");
        sb.Append("|---|---|---:|---|---:|---|---|");
        sb.AppendLine(perSampleHeader is null ? "" : "---|");
        foreach (var m in results["measurements"]!.AsArray())
        {
            var ours = Number(m!["ours"]) + Range(m["oursMin"], m["oursMax"]);
            var reference = m["reference"] is { } r ? $"{Number(r)}{Range(m["referenceMin"], m["referenceMax"])} {m["referenceName"]}" : "";
            var ratio = m["ratio"] is { } q ? Ratio(q) + Range(m["ratioMin"], m["ratioMax"], Ratio) : "";
            var verdict = (string?)m["verdict"] switch
            {
                null => "",
                "FAIL" => "**FAIL**",
                var v => v,
            };
            var contended = (int?)m["contendedSamples"] ?? 0;
            if (contended > 0)
                verdict += $" ({contended} contended)";
            sb.Append($"| {m["benchmark"]} | {m["metric"]} | {ours} | {reference} | {ratio} | {m["target"]} | {verdict.Trim()} |");
            sb.AppendLine(perSample is null ? "" : $" {perSample(m)} |");
        }
        return sb.ToString();
    }

    /// <summary>"label: value" for each sample, with the paired ratio when there is one.</summary>
    private static string EverySample(JsonNode m, Func<JsonNode?, string> format)
    {
        var labels = m["labels"]?.AsArray();
        var ours = m["oursSamples"]!.AsArray();
        var ratios = m["ratios"]?.AsArray();
        var parts = new List<string>();
        for (var i = 0; i < ours.Count; i++)
        {
            var label = labels is null ? "" : $"{labels[i]}: ";
            var flag = m["foreignCores"] is JsonArray f && (double)f[i]! > ContendedAbove ? " (contended)" : "";
            parts.Add(ratios is null ? $"{label}{format(ours[i])}{flag}" : $"{label}{Ratio(ratios[i])}{flag}");
        }
        return string.Join("; ", parts);
    }

    /// <summary>Contention.MaxForeignCores: a sample during which other processes used more cores is flagged.</summary>
    private const double ContendedAbove = 0.15;

    /// <summary>"`command` · commit abc1234 · 2026-11-24 · load 0.12 0.30 0.41", the run a table comes from.</summary>
    private static string RunLine(JsonNode results)
    {
        var run = results["run"]!;
        var commit = (string)run["commit"]!;
        var dirty = (bool?)run["dirty"] == true ? " (with uncommitted changes)" : "";
        var date = DateTimeOffset.Parse((string)run["started"]!, Invariant).ToString("yyyy-MM-dd", Invariant);
        return $"`{run["command"]}` · commit {commit[..Math.Min(7, commit.Length)]}{dirty} · {date} · load {run["machine"]!["loadAverageAtStart"]}";
    }

    /// <summary>As the benchmark prints numbers: thousands separated, three decimals below 10, four significant digits below 0.1.</summary>
    private static string Number(JsonNode? node)
    {
        if (node is null)
            return "";
        var value = (double)node;
        return Math.Abs(value) switch
        {
            0 => "0",
            >= 1000 => value.ToString("N0", Invariant),
            >= 10 => value.ToString("F1", Invariant),
            >= 0.1 => value.ToString("F3", Invariant),
            _ => value.ToString("G4", Invariant),
        };
    }

    private static string Ratio(JsonNode? node) => node is null ? "" : ((double)node).ToString("F3", Invariant);

    private static string Range(JsonNode? min, JsonNode? max, Func<JsonNode?, string>? format = null)
    {
        format ??= Number;
        if (min is null || max is null || (double)min == (double)max)
            return "";
        return $" ({format(min)}–{format(max)})";
    }
}
