using System.Text;
using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

internal static partial class ResultsTables
{
    /// <summary>anomaly-fmnist.json per class: each detector's ROC-AUC (mean over seeds), one row per normal class.</summary>
    public static string AnomalyFmnistClasses(JsonNode results)
    {
        var detectors = results["summary"]!.AsArray().Select(d => (Id: d!["detector"]!.GetValue<string>(), Name: d!["name"]!.GetValue<string>())).ToArray();
        var md = new StringBuilder();
        md.AppendLine($"| normal class | {string.Join(" | ", detectors.Select(d => d.Name))} |");
        md.AppendLine($"| --- |{string.Concat(detectors.Select(_ => " ---: |"))}");
        foreach (var c in results["classes"]!.AsArray())
        {
            var runs = c!["runs"]!.AsArray();
            var cells = detectors.Select(d => AnomalyFixed(runs.Where(r => r!["detector"]!.GetValue<string>() == d.Id).Average(r => AnomalyNumber(r!["rocAuc"]))));
            md.AppendLine($"| {c["class"]!.GetValue<string>()} | {string.Join(" | ", cells)} |");
        }
        md.AppendLine();
        md.AppendLine("ROC-AUC, mean over the seeds of the seeded detectors.");
        md.AppendLine();
        md.AppendLine(RunLine(results));
        return md.ToString();
    }
}
