using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

internal static partial class ResultsTables
{
    /// <summary>results/quality.json: test MSE and 2-D 5-NN against PyTorch and PCA-2, with every seed's ours / reference.</summary>
    public static string Quality(JsonNode results) =>
        MeasurementTable(results, "per seed (ours / reference)", PerSeed) + "\n" + RunLine(results) + "\n";

    /// <summary>
    /// results/quality-conv.json (<c>quality --network conv</c>): the convolutional AE-32's test MSE against PyTorch's network
    /// of the same architecture and against our MLP of the same run, with every seed's ours / reference (the AE-2's maps are
    /// <see cref="QualityConvMaps"/>).
    /// </summary>
    public static string QualityConv(JsonNode results) =>
        ConvolutionalQuality(results, settings => ((string?)settings["network"], (long?)settings["parameters"]));

    /// <summary>
    /// results/quality-conv-64-128.json (<c>quality --network conv --channels 64,128</c>): <see cref="QualityConv"/>'s table
    /// for the wider stages, whose network line names them.
    /// </summary>
    public static string QualityConv64128(JsonNode results) => QualityConv(results);

    /// <summary>
    /// results/quality-conv-maps.json (<c>quality --network conv --maps</c>): the 2-D maps' 5-NN accuracy, as
    /// <see cref="QualityConv"/> renders, under the network those maps train: the stages, then the dense layers to a 2-D code.
    /// </summary>
    public static string QualityConvMaps(JsonNode results) =>
        ConvolutionalQuality(results, settings => (
            $"conv AE-2 ({settings["network"]}'s stages, then dense {string.Join(", ", settings["denseLatent2"]!.AsArray().Select(d => (int)d!))} to the code)",
            (long?)settings["parametersLatent2"]));

    /// <summary>A convolutional quality table, its network line (the name and parameter count <paramref name="measured"/> reads from the settings) and its run line.</summary>
    private static string ConvolutionalQuality(JsonNode results, Func<JsonNode, (string? Name, long? Parameters)> measured)
    {
        var settings = results["settings"];
        JsonObject? network = null;
        if (settings?["network"] is not null)
        {
            var (name, parameters) = measured(settings);
            network = new JsonObject
            {
                ["name"] = name, ["imageShape"] = (string?)settings["imageShape"],
                ["channels"] = settings["channels"]!.DeepClone(), ["parameters"] = parameters,
            };
        }
        return MeasurementTable(results, "per seed (ours / reference)", PerSeed) + "\n" + NetworkLine(network) + RunLine(results) + "\n";
    }

    private static string PerSeed(JsonNode m)
    {
        var labels = m["labels"]!.AsArray();
        var ours = m["oursSamples"]!.AsArray();
        var reference = m["referenceSamples"]!.AsArray();
        return string.Join("; ", labels.Select((label, i) =>
            $"{label}: {Number(ours[i])}{(i < reference.Count ? " / " + Number(reference[i]) : "")}"));
    }
}
