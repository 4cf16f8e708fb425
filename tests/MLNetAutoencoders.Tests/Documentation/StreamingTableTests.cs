using System.Text.Json.Nodes;
using MLNetAutoencoders.Benchmarks;
using Xunit;

namespace MLNetAutoencoders.Tests.Documentation;

/// <summary>
/// The block <c>&lt;!-- results: streaming --&gt;</c> (issue 16, from <c>streaming</c>) is rendered from its results file as
/// Report writes it: every measurement with its target and verdict, every repeat's or seed's ratio, the settings and the run.
/// </summary>
public class StreamingTableTests
{
    private const string Results = """
        {
          "run": { "command": "dotnet run -c Release --project benchmarks/MLNetAutoencoders.Benchmarks -- streaming --seeds 2",
                   "commit": "0123456789abcdef0123456789abcdef01234567", "dirty": false,
                   "started": "2026-12-06T04:10:00+00:00", "finished": "2026-12-06T05:10:00+00:00",
                   "machine": { "loadAverageAtStart": "0.15 0.30 0.45", "loadAverageAtEnd": "1.90 1.20 0.70" } },
          "name": "streaming",
          "settings": { "parts": ["memory", "throughput", "quality"], "rows": 10000000, "shufflePoolRows": 65536, "numberOfThreads": 2,
                        "network": "784 -> [256, 128] -> 32 (the defaults), ReLU, sigmoid output, MSE, Adam 1e-3, batch 256",
                        "view": "Fashion-MNIST training image i mod 60,000, shifted by up to 2 pixels each way, Gaussian noise sigma 0.1, clamped to [0, 1]" },
          "measurements": [
            { "benchmark": "Memory", "metric": "peak resident memory MB (VmHWM), one streaming epoch over 10,000,000 generated rows", "ours": 912.4,
              "target": "≤ 2048.00", "verdict": "PASS", "oursSamples": [912.4], "referenceSamples": [], "oursMin": 912.4, "oursMax": 912.4, "contendedSamples": 0 },
            { "benchmark": "Fit, streaming", "metric": "training samples/s (epochs 2..3) over 200,000 rows", "ours": 18000, "reference": 20000,
              "referenceName": "in-memory training, same network and rows", "ratio": 0.9, "target": "ratio ≥ 0.80", "verdict": "inconclusive",
              "oursSamples": [18000, 17000], "referenceSamples": [20000, 20500], "oursMin": 17000, "oursMax": 18000, "referenceMin": 20000,
              "referenceMax": 20500, "ratioMin": 0.8293, "ratioMax": 0.9, "ratios": [0.9, 0.8293], "labels": ["repeat 1", "repeat 2"],
              "foreignCores": [0.01, 0.5], "contendedSamples": 1 },
            { "benchmark": "Quality", "metric": "test MSE after 2 epochs on 1,000,000 rows, streaming (lower is better)", "ours": 0.0131, "reference": 0.0125,
              "referenceName": "in-memory training, same seed", "ratio": 1.048, "target": "ratio in [0.97, 1.03]", "verdict": "FAIL",
              "oursSamples": [0.0131, 0.0132], "referenceSamples": [0.0125, 0.0126], "oursMin": 0.0131, "oursMax": 0.0132, "referenceMin": 0.0125,
              "referenceMax": 0.0126, "ratioMin": 1.0476, "ratioMax": 1.048, "ratios": [1.048, 1.0476], "labels": ["seed 1", "seed 2"], "contendedSamples": 0 }
          ],
          "notes": []
        }
        """;

    [Fact]
    public void TheStreamingBlockIsRenderedByResultsTablesStreaming()
    {
        Assert.Equal("Streaming", ReadmeBlocks.Renderer("streaming").Name);
    }

    [Fact]
    public void StreamingShowsEachTargetItsVerdictEveryRepeatsAndSeedsRatioTheSettingsAndTheRun()
    {
        var table = ResultsTables.Streaming(JsonNode.Parse(Results)!);

        Assert.Equal(
            "| Benchmark | Metric | Ours (median, min–max) | Reference (median, min–max) | Ratio (median, min–max) | Target | Result | per repeat or seed (ratio, or ours) |\n" +
            "|---|---|---:|---|---:|---|---|---|\n" +
            "| Memory | peak resident memory MB (VmHWM), one streaming epoch over 10,000,000 generated rows | 912.4 |  |  | ≤ 2048.00 | PASS | 912.4 |\n" +
            "| Fit, streaming | training samples/s (epochs 2..3) over 200,000 rows | 18,000 (17,000–18,000) | 20,000 (20,000–20,500) in-memory training, same network and rows " +
            "| 0.900 (0.829–0.900) | ratio ≥ 0.80 | inconclusive (1 contended) | repeat 1: 0.900; repeat 2: 0.829 (contended) |\n" +
            "| Quality | test MSE after 2 epochs on 1,000,000 rows, streaming (lower is better) | 0.0131 (0.0131–0.0132) | 0.0125 (0.0125–0.0126) in-memory training, same seed " +
            "| 1.048 (1.048–1.048) | ratio in [0.97, 1.03] | **FAIL** | seed 1: 1.048; seed 2: 1.048 |\n" +
            "\n" +
            "Network: 784 -> [256, 128] -> 32 (the defaults), ReLU, sigmoid output, MSE, Adam 1e-3, batch 256. " +
            "Rows: Fashion-MNIST training image i mod 60,000, shifted by up to 2 pixels each way, Gaussian noise sigma 0.1, clamped to [0, 1]. " +
            "ShufflePoolRows 65,536, NumberOfThreads 2; peak memory in MB of 2^20 bytes, each streaming epoch of memory and CSV in a process of its own.\n" +
            "\n" +
            "`dotnet run -c Release --project benchmarks/MLNetAutoencoders.Benchmarks -- streaming --seeds 2` · commit 0123456 · 2026-12-06 · load 0.15 0.30 0.45\n",
            table);
    }
}
