using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

internal static partial class ResultsTables
{
    /// <summary>results/sampler.json: VaeSampler generation against a raw decoder forward, with every repeat's ratio.</summary>
    public static string Sampler(JsonNode results) =>
        MeasurementTable(results, "per repeat (ratio)", m => EverySample(m, Number)) + "\n" + RunLine(results) + "\n";
}
