using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

internal static partial class ResultsTables
{
    /// <summary>
    /// results/streaming.json (issue 16): peak memory and rows/s of the streaming epochs, streaming against in-memory
    /// throughput and quality with every repeat's or seed's ratio, threads; then the network, the generated rows and the
    /// streaming settings, and the run line.
    /// </summary>
    public static string Streaming(JsonNode results)
    {
        var settings = results["settings"]!;
        return MeasurementTable(results, "per repeat or seed (ratio, or ours)", m => EverySample(m, Number)) + "\n" +
               $"Network: {settings["network"]}. Rows: {settings["view"]}. ShufflePoolRows {((long)settings["shufflePoolRows"]!).ToString("N0", Invariant)}, " +
               $"NumberOfThreads {settings["numberOfThreads"]}; peak memory in MB of 2^20 bytes, each streaming epoch of memory and CSV in a process of its own.\n\n" +
               RunLine(results) + "\n";
    }
}
