using System.Text.Json.Nodes;
using MLNetAutoencoders.Benchmarks;
using Xunit;

namespace MLNetAutoencoders.Tests.Samples;

/// <summary>
/// README's text under each gallery figure is rendered from the sample's results file (ResultsTables in
/// benchmarks/MLNetAutoencoders.Benchmarks/Tables/GalleryTables.cs): the figures as README words them, then the run line.
/// </summary>
public class GalleryResultsTablesTests
{
    private const string Run = """
        "run": { "command": "dotnet run --project samples/PROJECT -c Release", "commit": "0123456789abcdef0123456789abcdef01234567",
                 "dirty": false, "started": "2026-12-05T04:10:00+00:00", "finished": "2026-12-05T04:14:00+00:00",
                 "machine": { "loadAverageAtStart": "0.15 0.30 0.45", "loadAverageAtEnd": "1.90 1.20 0.70" } },
        """;

    private static JsonNode Results(string project, string figures, string dataset = "full dataset", int trainRows = 60_000, int epochs = 15,
        double elapsedSeconds = 212.4) =>
        JsonNode.Parse("{" + Run.Replace("PROJECT", project) +
                       $"\"sample\": \"{project}\", \"dataset\": \"{dataset}\", \"trainRows\": {trainRows}, \"testRows\": 10000, " +
                       $"\"epochs\": {epochs}, \"elapsedSeconds\": {elapsedSeconds}, {figures} }}")!;

    private static string RunLine(string project, string data) =>
        $"`dotnet run --project samples/{project} -c Release` · commit 0123456 · 2026-12-05 · load 0.15 0.30 0.45 · {data}\n";

    [Theory]
    [InlineData("embedding2d", "Embedding2d")]
    [InlineData("denoising", "Denoising")]
    [InlineData("ksparse-filters", "KsparseFilters")]
    [InlineData("vae-generation", "VaeGeneration")]
    [InlineData("anomaly-detection", "AnomalyDetection")]
    public void EachSamplesResultsFileHasTheRendererItsBlockNames(string block, string renderer)
    {
        Assert.Equal(renderer, ReadmeBlocks.Renderer(block).Name);
    }

    [Fact]
    public void Embedding2dQuotesBothAccuraciesInPercentWithOneDecimal()
    {
        var results = Results("Embedding2D", """
            "neighbors": 5, "autoencoderAccuracy": 0.70149, "pcaRank": 2, "pcaAccuracy": 0.5036
            """);

        Assert.Equal(
            "5-nearest-neighbour test accuracy in each map (training images as reference): **70.1 %** for the autoencoder, **50.4 %** for PCA at rank 2.\n\n" +
            RunLine("Embedding2D", "full dataset, 60,000 training and 10,000 test images, 15 epochs, 3.5 min"),
            ResultsTables.Embedding2d(results));
    }

    [Fact]
    public void DenoisingQuotesTheThreeErrorsToThreeSignificantDigits()
    {
        var results = Results("Denoising", """
            "noiseLevel": 0.4, "corruptedMse": 0.16002, "denoisingMse": 0.014213, "undercompleteMse": 0.019
            """, epochs: 10, elapsedSeconds: 95.2);

        Assert.Equal(
            "Mean squared error to the clean images over the 10,000 test images: 0.160 for the noisy input (sigma 0.4), " +
            "**0.0142** for the denoising autoencoder, **0.0190** for the undercomplete one.\n\n" +
            RunLine("Denoising", "full dataset, 60,000 training and 10,000 test images, 10 epochs, 95 s"),
            ResultsTables.Denoising(results));
    }

    [Fact]
    public void KsparseFiltersTabulatesEachKsErrorAndUnitsUsed()
    {
        var results = Results("KSparseFilters", """
            "latentDimension": 100, "sets": [
              { "k": 70, "testMse": 0.0061234, "unitsUsed": 100, "unidentifiedUnits": 0, "decoderResidual": 1e-6 },
              { "k": 10, "testMse": 0.0209, "unitsUsed": 87, "unidentifiedUnits": 2, "decoderResidual": 2e-6 } ]
            """, dataset: "embedded subset", trainRows: 5000, epochs: 25, elapsedSeconds: 41);

        Assert.Equal(
            "| k | 70 | 10 |\n| --- | ---: | ---: |\n| test MSE | 0.00612 | 0.0209 |\n| code units used (of 100) | 100 | 87 |\n\n" +
            RunLine("KSparseFilters", "embedded subset, 5,000 training and 10,000 test images, 25 epochs, 41 s"),
            ResultsTables.KsparseFilters(results));
    }

    [Fact]
    public void VaeGenerationComparesTheReconstructionWithTheMeanImageAndThePriorSamplesMeanWithTheDatas()
    {
        var results = Results("VaeGeneration", """
            "testReconstructionMse": 0.01284, "meanImageBaselineMse": 0.0965, "priorSamples": 100, "priorMeanImageMse": 0.0044,
            "meanImageEnergy": 0.11996
            """);

        Assert.Equal(
            "Test reconstruction MSE **0.0128** (the mean test image: 0.0965); the mean of the 100 prior samples is within MSE **0.00440** " +
            "of the mean test image (an all-black image is 0.120 away).\n\n" +
            RunLine("VaeGeneration", "full dataset, 60,000 training and 10,000 test images, 15 epochs, 3.5 min"),
            ResultsTables.VaeGeneration(results));
    }

    [Fact]
    public void AnomalyDetectionQuotesBothAreasAndTheRatesAtTheLearnedThreshold()
    {
        var results = Results("AnomalyDetection", """
            "normalClass": "T-shirt/top", "normalTrainRows": 6000, "autoencoderAuc": 0.90812, "autoencoderEvaluatedAuc": 0.9081201,
            "pcaRank": 20, "randomizedPcaAuc": 0.6494, "randomizedPcaEvaluatedAuc": 0.6494, "contamination": 0.1, "detectionRate": 0.73711,
            "falseAlarmRate": 0.117
            """, epochs: 20);

        Assert.Equal(
            "Both detectors train on the 6,000 T-shirt/top training images only and score the 10,000 test images: ROC-AUC **0.908** for the " +
            "autoencoder detector (defaults) against **0.649** for ML.NET's `RandomizedPca` at rank 20 (the curve's area equals " +
            "`mlContext.AnomalyDetection.Evaluate`'s). At the threshold it learned (10 % contamination), `PredictedLabel` flags 73.7 % of the " +
            "anomalies and 11.7 % of the normal items.\n\n" +
            RunLine("AnomalyDetection", "full dataset, 60,000 training and 10,000 test images, 20 epochs, 3.5 min"),
            ResultsTables.AnomalyDetection(results));
    }

    [Fact]
    public void AnomalyDetectionQuotesEvaluatesAreasWhenTheyDifferFromTheCurves()
    {
        var results = Results("AnomalyDetection", """
            "normalClass": "T-shirt/top", "normalTrainRows": 6000, "autoencoderAuc": 0.908, "autoencoderEvaluatedAuc": 0.912,
            "pcaRank": 20, "randomizedPcaAuc": 0.649, "randomizedPcaEvaluatedAuc": 0.649, "contamination": 0.1, "detectionRate": 0.737,
            "falseAlarmRate": 0.117
            """);

        Assert.Contains("(`mlContext.AnomalyDetection.Evaluate` reports 0.912 and 0.649)", ResultsTables.AnomalyDetection(results));
    }

    [Fact]
    public void AGalleryRunWithUncommittedChangesSaysSo()
    {
        var results = Results("Embedding2D", """
            "neighbors": 5, "autoencoderAccuracy": 0.7, "pcaRank": 2, "pcaAccuracy": 0.5
            """);
        results["run"]!["dirty"] = true;

        Assert.Contains("· commit 0123456 (with uncommitted changes) ·", ResultsTables.Embedding2d(results));
    }
}
