using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

internal static partial class ResultsTables
{
    /// <summary>results/quality.json: test MSE and 2-D 5-NN against PyTorch and PCA-2, with every seed's ours / reference.</summary>
    public static string Quality(JsonNode results) =>
        MeasurementTable(results, "per seed (ours / reference)", PerSeed) + "\n" + RunLine(results) + "\n";

    /// <summary>
    /// results/quality-conv.json (<c>quality --network conv</c>): the convolutional AE-32's test MSE against PyTorch's network
    /// of the same architecture and against our MLP of the same run, the AE-2's 5-NN accuracy against its absolute target,
    /// with every seed's ours / reference.
    /// </summary>
    public static string QualityConv(JsonNode results)
    {
        var settings = results["settings"];
        var network = settings?["network"] is null ? null : new JsonObject
        {
            ["name"] = (string?)settings["network"], ["imageShape"] = (string?)settings["imageShape"],
            ["channels"] = settings["channels"]!.DeepClone(), ["parameters"] = (long?)settings["parameters"],
        };
        return MeasurementTable(results, "per seed (ours / reference)", PerSeed) + "\n" + NetworkLine(network) + RunLine(results) + "\n";
    }

    /// <summary>results/quality-conv-maps.json (<c>quality --network conv --maps</c>): the 2-D maps' 5-NN accuracy, as <see cref="QualityConv"/> renders.</summary>
    public static string QualityConvMaps(JsonNode results) => QualityConv(results);

    private static string PerSeed(JsonNode m)
    {
        var labels = m["labels"]!.AsArray();
        var ours = m["oursSamples"]!.AsArray();
        var reference = m["referenceSamples"]!.AsArray();
        return string.Join("; ", labels.Select((label, i) =>
            $"{label}: {Number(ours[i])}{(i < reference.Count ? " / " + Number(reference[i]) : "")}"));
    }
}
