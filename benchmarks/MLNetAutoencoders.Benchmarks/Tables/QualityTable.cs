using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

internal static partial class ResultsTables
{
    /// <summary>results/quality.json: test MSE and 2-D 5-NN against PyTorch and PCA-2, with every seed's ours / reference.</summary>
    public static string Quality(JsonNode results) =>
        MeasurementTable(results, "per seed (ours / reference)", PerSeed) + "\n" + RunLine(results) + "\n";

    private static string PerSeed(JsonNode m)
    {
        var labels = m["labels"]!.AsArray();
        var ours = m["oursSamples"]!.AsArray();
        var reference = m["referenceSamples"]!.AsArray();
        return string.Join("; ", labels.Select((label, i) =>
            $"{label}: {Number(ours[i])}{(i < reference.Count ? " / " + Number(reference[i]) : "")}"));
    }
}
