using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

internal static partial class ResultsTables
{
    /// <summary>
    /// anomaly-throughput.json: rows/s of each scoring path (median, min–max), its paired ratio to the embedding
    /// transform (median, min–max), the verdict on the detector's target, and the run line.
    /// </summary>
    public static string AnomalyThroughput(JsonNode results)
    {
        string RowsPerSecond(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
        var md = new StringBuilder();
        md.AppendLine("| scoring path | rows/s, median (min–max) | ratio to the embedding transform, median (min–max) |");
        md.AppendLine("| --- | ---: | ---: |");
        foreach (var p in results["paths"]!.AsArray())
        {
            var ratio = p!["ratioToReference"]!;
            md.AppendLine($"| {p["name"]!.GetValue<string>()} | {RowsPerSecond(AnomalyNumber(p["medianRowsPerSecond"]))} " +
                          $"({RowsPerSecond(AnomalyNumber(p["minRowsPerSecond"]))}–{RowsPerSecond(AnomalyNumber(p["maxRowsPerSecond"]))}) | " +
                          $"{AnomalyFixed(AnomalyNumber(ratio["median"]))} ({AnomalyFixed(AnomalyNumber(ratio["min"]))}–{AnomalyFixed(AnomalyNumber(ratio["max"]))}) |");
        }
        var target = results["target"]!;
        md.AppendLine();
        md.AppendLine($"Network {results["network"]!.GetValue<string>()}, {RowsPerSecond(AnomalyNumber(results["rows"]))} rows, {results["repeats"]!.GetValue<int>()} paired repeats. " +
                      $"Target: {target["what"]!.GetValue<string>()} ≥ {AnomalyFixed(AnomalyNumber(target["atLeast"]), 2)}: **{target["verdict"]!.GetValue<string>()}** " +
                      "(PASS when every paired ratio clears it, FAIL when none does).");
        md.AppendLine();
        md.AppendLine(RunLine(results));
        return md.ToString();
    }
}
