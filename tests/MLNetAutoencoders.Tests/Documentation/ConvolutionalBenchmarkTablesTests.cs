using System.Text.Json.Nodes;
using MLNetAutoencoders.Benchmarks;
using Xunit;

namespace MLNetAutoencoders.Tests.Documentation;

/// <summary>
/// The blocks <c>&lt;!-- results: speed-conv --&gt;</c>, <c>&lt;!-- results: quality-conv --&gt;</c> and
/// <c>&lt;!-- results: quality-conv-maps --&gt;</c> (issue 15's targets, from <c>speed --network conv</c> and
/// <c>quality --network conv [--maps]</c>) are rendered from their results files as Report writes them.
/// </summary>
public class ConvolutionalBenchmarkTablesTests
{
    private const string Run = """
        "run": { "command": "dotnet run -c Release --project benchmarks/MLNetAutoencoders.Benchmarks -- COMMAND --network conv",
                 "commit": "0123456789abcdef0123456789abcdef01234567", "dirty": false,
                 "started": "2026-12-06T04:10:00+00:00", "finished": "2026-12-06T04:40:00+00:00",
                 "machine": { "loadAverageAtStart": "0.15 0.30 0.45", "loadAverageAtEnd": "1.90 1.20 0.70" } },
        """;

    private static string RunLine(string command) =>
        $"`dotnet run -c Release --project benchmarks/MLNetAutoencoders.Benchmarks -- {command} --network conv` · commit 0123456 · 2026-12-06 · load 0.15 0.30 0.45\n";

    [Theory]
    [InlineData("speed-conv", "SpeedConv")]
    [InlineData("quality-conv", "QualityConv")]
    [InlineData("quality-conv-maps", "QualityConvMaps")]
    [InlineData("quality-conv-64-128", "QualityConv64128")]
    public void EachConvolutionalResultsFileHasTheRendererItsBlockNames(string block, string renderer)
    {
        Assert.Equal(renderer, ReadmeBlocks.Renderer(block).Name);
    }

    [Fact]
    public void SpeedConvShowsEveryRepeatsRatioTheVerdictAndTheNetworkMeasured()
    {
        var results = JsonNode.Parse("{" + Run.Replace("COMMAND", "speed") + """
            "name": "speed-conv",
            "network": { "name": "FMNIST-Conv-32", "imageShape": "1 x 28 x 28", "channels": [32, 64], "parameters": 241441 },
            "measurements": [
              { "benchmark": "Fit", "metric": "training samples/s (epochs 2..3)", "ours": 1900, "reference": 2000,
                "referenceName": "raw TorchSharp loop", "ratio": 0.95, "target": "ratio ≥ 0.90", "verdict": "PASS",
                "oursSamples": [1900, 1850], "referenceSamples": [2000, 1950], "oursMin": 1850, "oursMax": 1900,
                "referenceMin": 1950, "referenceMax": 2000, "ratioMin": 0.9487, "ratioMax": 0.95, "ratios": [0.95, 0.9487],
                "labels": ["repeat 1", "repeat 2"], "foreignCores": [0.02, 0.4], "contendedSamples": 1 },
              { "benchmark": "Transform", "metric": "embedding rows/s", "ours": 7000, "reference": 10000,
                "referenceName": "raw batched encoder forward", "ratio": 0.7, "target": "ratio ≥ 0.80", "verdict": "FAIL",
                "oursSamples": [7000], "referenceSamples": [10000], "oursMin": 7000, "oursMax": 7000, "referenceMin": 10000,
                "referenceMax": 10000, "ratioMin": 0.7, "ratioMax": 0.7, "ratios": [0.7], "labels": ["repeat 1"], "contendedSamples": 0 }
            ],
            "notes": [] }
            """)!;

        Assert.Equal(
            "| Benchmark | Metric | Ours (median, min–max) | Reference (median, min–max) | Ratio (median, min–max) | Target | Result | per repeat (ratio, or ours) |\n" +
            "|---|---|---:|---|---:|---|---|---|\n" +
            "| Fit | training samples/s (epochs 2..3) | 1,900 (1,850–1,900) | 2,000 (1,950–2,000) raw TorchSharp loop | 0.950 (0.949–0.950) | ratio ≥ 0.90 | PASS (1 contended) | repeat 1: 0.950; repeat 2: 0.949 (contended) |\n" +
            "| Transform | embedding rows/s | 7,000 | 10,000 raw batched encoder forward | 0.700 | ratio ≥ 0.80 | **FAIL** | repeat 1: 0.700 |\n" +
            "\n" +
            "Network: FMNIST-Conv-32, image 1 x 28 x 28, channels 32, 64, 241,441 parameters.\n\n" +
            RunLine("speed"),
            ResultsTables.SpeedConv(results));
    }

    [Fact]
    public void QualityConvShowsTheAbsoluteTargetPerSeedAndThePairedRatiosOursOverReference()
    {
        var results = JsonNode.Parse("{" + Run.Replace("COMMAND", "quality") + """
            "name": "quality-conv",
            "settings": { "epochs": 20, "seeds": [1, 2], "trainRows": 60000, "testRows": 10000, "network": "FMNIST-Conv-32",
                          "imageShape": "1 x 28 x 28", "channels": [32, 64], "parameters": 241441, "parametersLatent2": 53251 },
            "measurements": [
              { "benchmark": "Quality", "metric": "conv AE-32 test MSE vs FMNIST-MLP-32 (ours, same run)", "ours": 0.0070,
                "reference": 0.0096, "referenceName": "ours FMNIST-MLP-32, same seed", "ratio": 0.7292, "target": "ratio ≤ 0.80",
                "verdict": "inconclusive", "oursSamples": [0.0070, 0.0071], "referenceSamples": [0.0096, 0.0095], "oursMin": 0.0070,
                "oursMax": 0.0071, "referenceMin": 0.0095, "referenceMax": 0.0096, "ratioMin": 0.7292, "ratioMax": 0.7474,
                "ratios": [0.7292, 0.7474], "labels": ["seed 1", "seed 2"], "contendedSamples": 0 },
              { "benchmark": "Quality", "metric": "conv AE-2 5-NN test accuracy", "ours": 0.745, "target": "≥ 0.74", "verdict": "inconclusive",
                "oursSamples": [0.745, 0.738], "referenceSamples": [], "oursMin": 0.738, "oursMax": 0.745,
                "labels": ["seed 1", "seed 2"], "contendedSamples": 0, "note": "fewer than 3 samples: no verdict" }
            ],
            "notes": [] }
            """)!;

        Assert.Equal(
            "| Benchmark | Metric | Ours (median, min–max) | Reference (median, min–max) | Ratio (median, min–max) | Target | Result | per seed (ours / reference) |\n" +
            "|---|---|---:|---|---:|---|---|---|\n" +
            "| Quality | conv AE-32 test MSE vs FMNIST-MLP-32 (ours, same run) | 0.007 (0.007–0.0071) | 0.0096 (0.0095–0.0096) ours FMNIST-MLP-32, same seed | 0.729 (0.729–0.747) | ratio ≤ 0.80 | inconclusive | seed 1: 0.007 / 0.0096; seed 2: 0.0071 / 0.0095 |\n" +
            "| Quality | conv AE-2 5-NN test accuracy | 0.745 (0.738–0.745) |  |  | ≥ 0.74 | inconclusive | seed 1: 0.745; seed 2: 0.738 |\n" +
            "\n" +
            "Network: FMNIST-Conv-32, image 1 x 28 x 28, channels 32, 64, 241,441 parameters.\n\n" +
            RunLine("quality"),
            ResultsTables.QualityConv(results));
    }

    [Fact]
    public void QualityConvMapsNamesTheTwoDimensionalNetworkItTrainedWithItsDenseLayersAndParameterCount()
    {
        var results = JsonNode.Parse("{" + Run.Replace("COMMAND", "quality") + """
            "name": "quality-conv-maps",
            "settings": { "epochs": 50, "seeds": [1, 2, 3], "trainRows": 60000, "testRows": 10000, "network": "FMNIST-Conv-32",
                          "imageShape": "1 x 28 x 28", "channels": [32, 64], "parameters": 241441, "denseLatent2": [512, 256],
                          "parametersLatent2": 3516675 },
            "measurements": [
              { "benchmark": "Quality", "metric": "conv AE-2 5-NN test accuracy after 50 epochs", "ours": 0.7465, "target": "≥ 0.74",
                "verdict": "PASS", "oursSamples": [0.7465, 0.7484, 0.742], "referenceSamples": [], "oursMin": 0.742, "oursMax": 0.7484,
                "labels": ["seed 1", "seed 2", "seed 3"], "contendedSamples": 0 }
            ],
            "notes": [] }
            """)!;

        Assert.Equal(
            "| Benchmark | Metric | Ours (median, min–max) | Reference (median, min–max) | Ratio (median, min–max) | Target | Result | per seed (ours / reference) |\n" +
            "|---|---|---:|---|---:|---|---|---|\n" +
            "| Quality | conv AE-2 5-NN test accuracy after 50 epochs | 0.747 (0.742–0.748) |  |  | ≥ 0.74 | PASS | seed 1: 0.747; seed 2: 0.748; seed 3: 0.742 |\n" +
            "\n" +
            "Network: conv AE-2 (FMNIST-Conv-32's stages, then dense 512, 256 to the code), image 1 x 28 x 28, channels 32, 64, 3,516,675 parameters.\n\n" +
            RunLine("quality"),
            ResultsTables.QualityConvMaps(results));
    }
}
