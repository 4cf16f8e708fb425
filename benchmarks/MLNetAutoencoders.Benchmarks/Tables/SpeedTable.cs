using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

internal static partial class ResultsTables
{
    /// <summary>results/speed.json: Fit, Transform and PredictionEngine against their yardsticks, with every repeat's ratio.</summary>
    public static string Speed(JsonNode results) =>
        MeasurementTable(results, "per repeat (ratio, or ours)", m => EverySample(m, Number)) + "\n" + RunLine(results) + "\n";
}
