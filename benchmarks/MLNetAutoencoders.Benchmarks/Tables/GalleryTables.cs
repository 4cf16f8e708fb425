using System.Text;
using System.Text.Json.Nodes;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// The gallery samples' results files (written by samples/Gallery beside their PNGs, copied with them to
/// docs/images): under each gallery figure, the figures README quotes, then the run line with the data, the epochs
/// and the time of the run.
/// </summary>
internal static partial class ResultsTables
{
    /// <summary>embedding2d.json (samples/Embedding2D): the k-NN test accuracy in the autoencoder's 2-D code and in PCA's.</summary>
    public static string Embedding2d(JsonNode results) =>
        GalleryBlock(results,
            $"{results["neighbors"]}-nearest-neighbour test accuracy in each map (training images as reference): " +
            $"**{GalleryPercent(results["autoencoderAccuracy"])}** for the autoencoder, **{GalleryPercent(results["pcaAccuracy"])}** for PCA " +
            $"at rank {results["pcaRank"]}.");

    /// <summary>denoising.json (samples/Denoising): the noisy input's and both autoencoders' mean squared error to the clean test images.</summary>
    public static string Denoising(JsonNode results) =>
        GalleryBlock(results,
            $"Mean squared error to the clean images over the {GalleryCount(results["testRows"])} test images: " +
            $"{GallerySignificant(results["corruptedMse"])} for the noisy input (sigma {((double)results["noiseLevel"]!).ToString("0.###", Invariant)}), " +
            $"**{GallerySignificant(results["denoisingMse"])}** for the denoising autoencoder, " +
            $"**{GallerySignificant(results["undercompleteMse"])}** for the undercomplete one.");

    /// <summary>ksparse-filters.json (samples/KSparseFilters): each k's test reconstruction error and code units used.</summary>
    public static string KsparseFilters(JsonNode results)
    {
        var sets = results["sets"]!.AsArray().Select(s => s!).ToArray();
        var md = new StringBuilder();
        md.AppendLine("| k | " + string.Join(" | ", sets.Select(s => s["k"])) + " |");
        md.AppendLine("| --- |" + string.Concat(sets.Select(_ => " ---: |")));
        md.AppendLine("| test MSE | " + string.Join(" | ", sets.Select(s => GallerySignificant(s["testMse"]))) + " |");
        md.AppendLine($"| code units used (of {results["latentDimension"]}) | " + string.Join(" | ", sets.Select(s => s["unitsUsed"])) + " |");
        return GalleryBlock(results, md.ToString().TrimEnd('\n'));
    }

    /// <summary>vae-generation.json (samples/VaeGeneration): the reconstruction error against the mean image's, and how close the prior samples' mean is to the data's.</summary>
    public static string VaeGeneration(JsonNode results) =>
        GalleryBlock(results,
            $"Test reconstruction MSE **{GallerySignificant(results["testReconstructionMse"])}** (the mean test image: " +
            $"{GallerySignificant(results["meanImageBaselineMse"])}); the mean of the {results["priorSamples"]} prior samples is within MSE " +
            $"**{GallerySignificant(results["priorMeanImageMse"])}** of the mean test image (an all-black image is " +
            $"{GallerySignificant(results["meanImageEnergy"])} away).");

    /// <summary>anomaly-detection.json (samples/AnomalyDetection): both detectors' ROC-AUC and the detector's rates at its learned threshold.</summary>
    public static string AnomalyDetection(JsonNode results)
    {
        var autoencoder = (double)results["autoencoderAuc"]!;
        var pca = (double)results["randomizedPcaAuc"]!;
        var evaluated = (double)results["autoencoderEvaluatedAuc"]!;
        var pcaEvaluated = (double)results["randomizedPcaEvaluatedAuc"]!;
        var evaluate = Math.Abs(autoencoder - evaluated) < 1e-6 && Math.Abs(pca - pcaEvaluated) < 1e-6
            ? "the curve's area equals `mlContext.AnomalyDetection.Evaluate`'s"
            : $"`mlContext.AnomalyDetection.Evaluate` reports {evaluated.ToString("F3", Invariant)} and {pcaEvaluated.ToString("F3", Invariant)}";
        return GalleryBlock(results,
            $"Both detectors train on the {GalleryCount(results["normalTrainRows"])} {results["normalClass"]} training images only and score the " +
            $"{GalleryCount(results["testRows"])} test images: ROC-AUC **{autoencoder.ToString("F3", Invariant)}** for the autoencoder detector " +
            $"(defaults) against **{pca.ToString("F3", Invariant)}** for ML.NET's `RandomizedPca` at rank {results["pcaRank"]} ({evaluate}). " +
            $"At the threshold it learned ({((double)results["contamination"]! * 100).ToString("0.#", Invariant)} % contamination), " +
            $"`PredictedLabel` flags {GalleryPercent(results["detectionRate"])} of the anomalies and {GalleryPercent(results["falseAlarmRate"])} " +
            "of the normal items.");
    }

    /// <summary>The figures' paragraph, a blank line and the run line.</summary>
    private static string GalleryBlock(JsonNode results, string figures) => figures + "\n\n" + GalleryRunLine(results) + "\n";

    /// <summary><see cref="RunLine"/> followed by "full dataset, 60,000 training and 10,000 test images, 15 epochs, 3.5 min".</summary>
    private static string GalleryRunLine(JsonNode results)
    {
        var seconds = (double)results["elapsedSeconds"]!;
        var duration = seconds < 120 ? $"{seconds.ToString("F0", Invariant)} s" : $"{(seconds / 60).ToString("F1", Invariant)} min";
        return $"{RunLine(results)} · {results["dataset"]}, {GalleryCount(results["trainRows"])} training and {GalleryCount(results["testRows"])} " +
               $"test images, {results["epochs"]} epochs, {duration}";
    }

    /// <summary>"70.1 %".</summary>
    private static string GalleryPercent(JsonNode? fraction) => ((double)fraction! * 100).ToString("F1", Invariant) + " %";

    /// <summary>"60,000".</summary>
    private static string GalleryCount(JsonNode? count) => ((double)count!).ToString("N0", Invariant);

    /// <summary>Three significant digits, trailing zeros kept: 0.160, 0.0142, 0.00440.</summary>
    private static string GallerySignificant(JsonNode? node)
    {
        var value = (double)node!;
        if (value == 0 || !double.IsFinite(value))
            return value.ToString(Invariant);
        var magnitude = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        // 0.09996 rounds up to the next decade: 0.100, not 0.1000.
        if (Math.Abs(Math.Round(value, Math.Max(0, 2 - magnitude))) >= Math.Pow(10, magnitude + 1))
            magnitude++;
        return value.ToString("F" + Math.Max(0, 2 - magnitude), Invariant);
    }
}
