using System.Globalization;
using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>What the anomaly benchmarks' renderers share: the run line and number formats.</summary>
internal static partial class ResultsTables
{
    /// <summary>"`command` · commit abc1234 · 2026-12-05 · load 1.23" (the 1-minute load average when the run started).</summary>
    private static string AnomalyRunLine(JsonNode run)
    {
        var commit = run["commit"]!.GetValue<string>();
        var dirty = run["dirty"]?.GetValue<bool>() == true ? " (uncommitted changes)" : "";
        var started = DateTimeOffset.Parse(run["started"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var load = run["machine"]!["loadAverageAtStart"]!.GetValue<string>().Split(' ')[0];
        return $"`{run["command"]!.GetValue<string>()}` · commit {commit[..Math.Min(7, commit.Length)]}{dirty} · {started:yyyy-MM-dd} · load {load}";
    }

    private static double AnomalyNumber(JsonNode? node) => node!.GetValue<double>();

    private static string AnomalyFixed(double value, int decimals = 3) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    /// <summary>"0.912–0.918" over seeds, or "deterministic" for a detector without a seed.</summary>
    private static string AnomalySeedRange(JsonNode detectorSummary, string metric) =>
        detectorSummary["seeded"]!.GetValue<bool>()
            ? $"{AnomalyFixed(AnomalyNumber(detectorSummary[metric]!["min"]))}–{AnomalyFixed(AnomalyNumber(detectorSummary[metric]!["max"]))}"
            : "deterministic";

    /// <summary>The autoencoder's row in bold: it is the detector measured, the others are yardsticks.</summary>
    private static string AnomalyDetectorName(JsonNode detectorSummary)
    {
        var name = detectorSummary["name"]!.GetValue<string>();
        return detectorSummary["detector"]!.GetValue<string>() == "autoencoder" ? $"**{name}**" : name;
    }
}
