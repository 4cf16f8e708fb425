using System.Text;
using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

internal static partial class ResultsTables
{
    /// <summary>
    /// anomaly-tabular.json: per detector the ROC-AUC and average precision, mean ± sd over the splits (each split
    /// averaged over seeds), the range over seeds of the mean over splits, and the run line.
    /// </summary>
    public static string AnomalyTabular(JsonNode results)
    {
        var splits = results["splits"]!.AsArray();
        var anomalyFraction = splits.Average(s => AnomalyNumber(s!["anomalies"]) / AnomalyNumber(s!["testRows"]));
        var seeds = string.Join(", ", results["seeds"]!.AsArray().Select(s => s!.GetValue<int>()));
        string MeanSd(JsonNode statistic) => $"{AnomalyFixed(AnomalyNumber(statistic["mean"]))} ± {AnomalyFixed(AnomalyNumber(statistic["sdOverTasks"]))}";
        var md = new StringBuilder();
        md.AppendLine($"| detector | ROC-AUC, mean ± sd over {splits.Count} splits | min–max over seeds | average precision, mean ± sd | min–max over seeds |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var d in results["summary"]!.AsArray())
            md.AppendLine($"| {AnomalyDetectorName(d!)} | {MeanSd(d!["rocAuc"]!)} | {AnomalySeedRange(d!, "rocAuc")} | {MeanSd(d!["averagePrecision"]!)} | {AnomalySeedRange(d!, "averagePrecision")} |");
        md.AppendLine();
        md.AppendLine($"Seeds {seeds}; sd (n − 1) over the splits; malignant tumours are the positive class (average precision of a random ranking: {AnomalyFixed(anomalyFraction)}).");
        md.AppendLine();
        md.AppendLine(RunLine(results));
        return md.ToString();
    }
}
