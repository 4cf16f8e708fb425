using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

internal static partial class ResultsTables
{
    /// <summary>results/memory.json: growth while scoring 1M rows, and Fit's peak resident memory (one run).</summary>
    public static string Memory(JsonNode results) => MeasurementTable(results) + "\n" + RunLine(results) + "\n";
}
