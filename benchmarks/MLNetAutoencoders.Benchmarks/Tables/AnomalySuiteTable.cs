using System.Text;
using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

internal static partial class ResultsTables
{
    /// <summary>
    /// anomaly-suite.json: per detector the ROC-AUC and average precision, mean over the tables of each table's mean
    /// over seeds, with the range over seeds of the mean over tables; a detector that failed on a table shows the
    /// mean over the tables it completed and names the others.
    /// </summary>
    public static string AnomalySuite(JsonNode results)
    {
        var tables = results["tables"]!.AsArray();
        var seedList = results["seeds"]!.AsArray().Select(s => s!.GetValue<int>()).ToArray();
        var seeds = seedList.Length;
        string Mean(JsonNode statistic) =>
            statistic["mean"] is { } mean ? AnomalyFixed(AnomalyNumber(mean))
            : statistic["meanOverCompletedTables"] is { } partial ? $"{AnomalyFixed(AnomalyNumber(partial))} (completed tables)" : "failed";
        string Range(JsonNode statistic) =>
            $"{AnomalyFixed(AnomalyNumber(statistic["minOverSeeds"]))}–{AnomalyFixed(AnomalyNumber(statistic["maxOverSeeds"]))}";
        var md = new StringBuilder();
        md.AppendLine($"| detector | ROC-AUC, mean over {tables.Count} tables | min–max over {seeds} seeds | average precision | min–max over seeds | failed on |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | --- |");
        foreach (var d in results["summary"]!.AsArray())
        {
            var failed = string.Join(", ", d!["failedTables"]!.AsArray().Select(t => t!.GetValue<string>()));
            md.AppendLine($"| {AnomalyDetectorName(d)} | {Mean(d["rocAuc"]!)} | {Range(d["rocAuc"]!)} | {Mean(d["averagePrecision"]!)} | {Range(d["averagePrecision"]!)} | {(failed.Length == 0 ? "—" : failed)} |");
        }
        md.AppendLine();
        md.AppendLine($"Unsupervised: every detector fits on all rows of a table (anomalies unlabelled) and scores the same rows; seeds {string.Join(", ", seedList)}, each drawing the table anew. PCA rank per table: {results["pcaRankRule"]}.");
        md.AppendLine();
        md.AppendLine(RunLine(results));
        return md.ToString();
    }

    /// <summary>
    /// anomaly-suite.json per table: rows, features, anomaly fraction, each detector's ROC-AUC (mean over seeds), ours
    /// minus IsolationForest, and the median fit seconds of ours and of IsolationForest.
    /// </summary>
    public static string AnomalySuiteTables(JsonNode results)
    {
        var detectors = results["detectors"]!.AsArray().Select(d => (Id: d!["id"]!.GetValue<string>(), Name: d["name"]!.GetValue<string>())).ToArray();
        static JsonNode? Of(JsonNode table, string detector) =>
            table["detectors"]!.AsArray().First(d => d!["detector"]!.GetValue<string>() == detector);
        static double? Auc(JsonNode table, string detector) =>
            Of(table, detector) is { } d && d["failedSeeds"]!.GetValue<int>() == 0 && d["rocAuc"] is { } auc ? AnomalyNumber(auc["mean"]) : null;
        static string Seconds(JsonNode table, string detector) =>
            Of(table, detector)!["fitSecondsMedian"] is { } s ? AnomalyFixed(AnomalyNumber(s), 2) : "—";
        var md = new StringBuilder();
        md.AppendLine($"| table | rows × features | anomalies | {string.Join(" | ", detectors.Select(d => d.Id == "autoencoder" ? $"**{d.Name}**" : d.Name))} | ours − IsolationForest | fit s, ours | fit s, IsolationForest |");
        md.AppendLine($"| --- | ---: | ---: |{string.Concat(detectors.Select(_ => " ---: |"))} ---: | ---: | ---: |");
        foreach (var t in results["tables"]!.AsArray())
        {
            var cells = detectors.Select(d => Auc(t!, d.Id) is { } v ? AnomalyFixed(v) : "failed");
            var ours = Auc(t!, "autoencoder");
            var forest = Auc(t!, "isolationForest");
            var difference = ours - forest is { } diff ? (diff >= 0 ? "+" : "−") + AnomalyFixed(Math.Abs(diff)) : "—";
            md.AppendLine($"| {t!["name"]!.GetValue<string>()} | {t["rows"]!.GetValue<int>().ToString("N0", Invariant)} × {t["features"]!.GetValue<int>()} | {AnomalyFixed(100 * AnomalyNumber(t["anomalyFraction"]), 1)} % | {string.Join(" | ", cells)} | {difference} | {Seconds(t, "autoencoder")} | {Seconds(t, "isolationForest")} |");
        }
        md.AppendLine();
        md.AppendLine($"ROC-AUC, mean over seeds {string.Join(", ", results["seeds"]!.AsArray().Select(s => s!.GetValue<int>()))}; fit seconds: median over seeds.");
        md.AppendLine();
        md.AppendLine(RunLine(results));
        return md.ToString();
    }

    /// <summary>anomaly-suite-large.json: the per-table view of the 50,000 × 10 table (fit time against the 30 s goal).</summary>
    public static string AnomalySuiteLarge(JsonNode results) => AnomalySuiteTables(results);
}
