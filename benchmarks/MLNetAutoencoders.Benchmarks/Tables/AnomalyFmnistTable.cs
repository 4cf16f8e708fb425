using System.Text;
using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

internal static partial class ResultsTables
{
    /// <summary>
    /// anomaly-fmnist.json: per detector the mean ROC-AUC and average precision over the Fashion-MNIST classes, the
    /// range over seeds of that mean, the convolutional detector's target and verdict (files that record one), and
    /// the run line.
    /// </summary>
    public static string AnomalyFmnist(JsonNode results)
    {
        var classes = results["classes"]!.AsArray();
        var anomalyFraction = classes.Average(c => AnomalyNumber(c!["anomalies"]) / AnomalyNumber(c!["testRows"]));
        var seeds = string.Join(", ", results["seeds"]!.AsArray().Select(s => s!.GetValue<int>()));
        var md = new StringBuilder();
        md.AppendLine($"| detector | mean ROC-AUC over the {classes.Count} classes | min–max over seeds | mean average precision | min–max over seeds |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var d in results["summary"]!.AsArray())
            md.AppendLine($"| {AnomalyDetectorName(d!)} | {AnomalyFixed(AnomalyNumber(d!["rocAuc"]!["mean"]))} | {AnomalySeedRange(d!, "rocAuc")} | " +
                          $"{AnomalyFixed(AnomalyNumber(d!["averagePrecision"]!["mean"]))} | {AnomalySeedRange(d!, "averagePrecision")} |");
        md.AppendLine();
        md.AppendLine($"Seeds {seeds}; anomalies are the positive class (average precision of a random ranking: {AnomalyFixed(anomalyFraction)}).");
        if (results["target"] is { } target)
        {
            // Four decimals: a seed at 0.9298 must not read as the 0.930 that would clear a 0.93 target.
            var perSeed = string.Join(", ", target["perSeed"]!.AsArray().Select(s => $"{s!["seed"]!.GetValue<int>()}: {AnomalyFixed(AnomalyNumber(s["rocAuc"]), 4)}"));
            md.AppendLine();
            md.AppendLine($"Target (issue 15): {target["what"]!.GetValue<string>()} ≥ {AnomalyFixed(AnomalyNumber(target["atLeast"]), 2)} " +
                          $"(per seed {perSeed}): **{target["verdict"]!.GetValue<string>()}** (PASS when every seed clears it, FAIL when none does).");
        }
        md.AppendLine();
        md.AppendLine(RunLine(results));
        return md.ToString();
    }
}
