using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

internal static partial class ResultsTables
{
    /// <summary>results/soak.json: memory and live tensors over training and scoring (slopes per epoch / 100k rows), and Fit's peak.</summary>
    public static string Soak(JsonNode results)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("| series | metric | first | last | max | slope |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var s in results["summary"]!.AsArray())
        {
            sb.AppendLine(string.Create(inv,
                $"| {s!["series"]} | {s["metric"]} | {(double)s["first"]!:F1} | {(double)s["last"]!:F1} | {(double)s["max"]!:F1} | {(double)s["slopePerUnit"]!:+0.000;-0.000;0} per {s["unit"]} |"));
        }
        sb.AppendLine();
        var runs = (int?)results["runs"] ?? 1;
        if (results["fitPeakResidentMB"] is { } peak)
            sb.AppendLine(string.Create(inv, $"Peak resident memory through `Fit` (VmHWM): {(double)peak:F1} MB ({(runs == 1 ? "one run" : $"{runs} runs")}); live tensors after `Dispose`: {results["afterDispose"]?["liveTensors"]}."));
        sb.AppendLine();
        sb.AppendLine(RunLine(results));
        return sb.ToString();
    }
}
