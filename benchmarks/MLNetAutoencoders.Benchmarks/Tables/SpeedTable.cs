using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

internal static partial class ResultsTables
{
    /// <summary>results/speed.json: Fit, Transform and PredictionEngine against their yardsticks, with every repeat's ratio.</summary>
    public static string Speed(JsonNode results) =>
        MeasurementTable(results, "per repeat (ratio, or ours)", m => EverySample(m, Number)) + "\n" + RunLine(results) + "\n";

    /// <summary>
    /// results/speed-conv.json (<c>speed --network conv</c>): the convolutional network's Fit and Transform against the raw
    /// TorchSharp loop and forward of the same module, with every repeat's ratio, and the settings line under it.
    /// </summary>
    public static string SpeedConv(JsonNode results) =>
        MeasurementTable(results, "per repeat (ratio, or ours)", m => EverySample(m, Number)) + "\n" + NetworkLine(results["network"]) + RunLine(results) + "\n";

    /// <summary>"Network: FMNIST-Conv-32, image 1 x 28 x 28, channels 32, 64, 241,441 parameters." and a blank line; empty without one.</summary>
    private static string NetworkLine(JsonNode? network) => network is null ? "" :
        $"Network: {network["name"]}, image {network["imageShape"]}, channels {string.Join(", ", network["channels"]!.AsArray().Select(c => (int)c!))}, " +
        $"{((long)network["parameters"]!).ToString("N0", Invariant)} parameters.\n\n";
}
