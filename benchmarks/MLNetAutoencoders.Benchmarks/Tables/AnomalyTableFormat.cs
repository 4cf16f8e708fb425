using System.Globalization;
using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>What the anomaly benchmarks' renderers share: number formats and detector names.</summary>
internal static partial class ResultsTables
{
    private static double AnomalyNumber(JsonNode? node) => node!.GetValue<double>();

    private static string AnomalyFixed(double value, int decimals = 3) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    /// <summary>"0.912–0.918" over seeds, or "deterministic" for a detector without a seed.</summary>
    private static string AnomalySeedRange(JsonNode detectorSummary, string metric) =>
        detectorSummary["seeded"]!.GetValue<bool>()
            ? $"{AnomalyFixed(AnomalyNumber(detectorSummary[metric]!["min"]))}–{AnomalyFixed(AnomalyNumber(detectorSummary[metric]!["max"]))}"
            : "deterministic";

    /// <summary>
    /// Our detectors' rows in bold ("autoencoder", "autoencoderConvolutional"): they are the detectors measured, the
    /// others are yardsticks.
    /// </summary>
    private static string AnomalyDetectorName(JsonNode detectorSummary)
    {
        var name = detectorSummary["name"]!.GetValue<string>();
        return detectorSummary["detector"]!.GetValue<string>().StartsWith("autoencoder", StringComparison.Ordinal) ? $"**{name}**" : name;
    }
}
