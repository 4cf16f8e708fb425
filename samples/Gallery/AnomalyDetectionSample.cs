using System.Diagnostics;
using Microsoft.ML;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.SampleData;
using MLNetAutoencoders.Samples.Gallery.Analysis;
using MLNetAutoencoders.Samples.Gallery.Drawing;
using ScottPlot;
using SkiaSharp;

namespace MLNetAutoencoders.Samples.Gallery;

/// <summary>One detector's result in <see cref="AnomalyDetectionSample"/>.</summary>
/// <param name="Name">What it is.</param>
/// <param name="Curve">Its ROC curve on the test images (the normal class negative, the nine others positive).</param>
/// <param name="EvaluatedAuc">ROC-AUC reported by <c>mlContext.AnomalyDetection.Evaluate</c> on the same scores.</param>
public sealed record DetectorRoc(string Name, RocCurve Curve, double EvaluatedAuc);

/// <summary>What <see cref="AnomalyDetectionSample.Run"/> measured and wrote.</summary>
/// <param name="ImagePath">The PNG: both ROC curves, and the most and least anomalous test items.</param>
/// <param name="NormalClass">The class trained on (index into <see cref="FashionMnist.ClassNames"/>).</param>
/// <param name="Autoencoder">The autoencoder detector's curve.</param>
/// <param name="RandomizedPca">ML.NET RandomizedPca's curve.</param>
/// <param name="Threshold">The autoencoder detector's threshold (the 1 - contamination quantile of its training scores).</param>
/// <param name="DetectionRate">Fraction of anomalous test items whose PredictedLabel is true.</param>
/// <param name="FalseAlarmRate">Fraction of normal test items whose PredictedLabel is true.</param>
/// <param name="MostAnomalous">Test indices of the highest autoencoder scores, highest first.</param>
/// <param name="LeastAnomalous">Test indices of the lowest autoencoder scores, lowest first.</param>
/// <param name="TrainRows">Normal-class training images the detectors were trained on.</param>
/// <param name="TestRows">Test images scored.</param>
/// <param name="Epochs">Training epochs of the autoencoder.</param>
/// <param name="Elapsed">Wall-clock time of the whole sample.</param>
/// <param name="OddestNormal">Test indices of the normal class's highest autoencoder scores, highest first.</param>
/// <param name="Tiles">Where each item was drawn: rows "most anomalous", "least anomalous" and "odd '&lt;class&gt;'", index = column.</param>
/// <param name="ResultsPath">The results file beside the PNG, <c>anomaly-detection.json</c>: the run and these figures (<see cref="ResultsFile"/>).</param>
public sealed record AnomalyDetectionResult(string ImagePath, int NormalClass, DetectorRoc Autoencoder, DetectorRoc RandomizedPca, float Threshold,
    double DetectionRate, double FalseAlarmRate, int[] MostAnomalous, int[] LeastAnomalous, int TrainRows, int TestRows, int Epochs, TimeSpan Elapsed,
    int[] OddestNormal, IReadOnlyList<ImageTile> Tiles, string ResultsPath);

/// <summary>
/// Fashion-MNIST as a one-class problem: the autoencoder anomaly detector
/// (<c>mlContext.AnomalyDetection.Trainers.Autoencoder</c>, its defaults: 784-256-128-2 with the code-space density term) and ML.NET's
/// RandomizedPca (rank 20) learn what the T-shirts/tops of the training set look like; on the test set, every other
/// class is an anomaly. Draws both ROC curves, the detector's operating point at its trained threshold, and the test
/// items it finds most and least anomalous.
/// </summary>
public static class AnomalyDetectionSample
{
    /// <summary>The sample's folder under samples/.</summary>
    public const string Project = "AnomalyDetection";

    /// <summary>The results file's name (without .json) and README's block name.</summary>
    public const string ResultsName = "anomaly-detection";

    /// <summary>The class treated as normal: T-shirt/top, a middling class for both detectors.</summary>
    public const int NormalClass = 0;

    /// <summary>Training images read on the full dataset unless --rows says otherwise (the normal class's ~10 % are used).</summary>
    public const int DefaultTrainRows = 60_000;

    /// <summary>Epochs on the full dataset (6,000 normal images).</summary>
    public const int DefaultEpochsFullDataset = 20;

    /// <summary>Epochs on the embedded subset (about 500 normal images).</summary>
    public const int DefaultEpochsEmbeddedSubset = 100;

    /// <summary>Rank of ML.NET's RandomizedPca.</summary>
    public const int PcaRank = 20;

    /// <summary>Items shown per row of the figure.</summary>
    public const int ItemsShown = 10;

    /// <summary>Trains both detectors on the normal class, scores the test set and draws <c>anomaly-detection.png</c>.</summary>
    public static AnomalyDetectionResult Run(SampleSettings settings)
    {
        var log = settings.Log;
        var total = Stopwatch.StartNew();
        var resultsFile = new ResultsFile(ResultsName, Project);
        var mlContext = new MLContext(seed: 1);
        var data = GalleryData.Load(mlContext, settings, DefaultTrainRows);
        var epochs = data.Epochs(settings, DefaultEpochsFullDataset, DefaultEpochsEmbeddedSubset);
        var normalName = FashionMnist.ClassNames[NormalClass];
        var normalTrain = data.Train.OfClass(NormalClass);
        if (normalTrain.Count == 0)
            throw new InvalidOperationException($"No '{normalName}' image among the {data.Train.Count} training images read: raise --rows.");
        var trainView = normalTrain.ToDataView(mlContext);
        // Evaluate's convention: Label > 0 is an anomaly.
        var isAnomaly = data.Test.Labels.Select(l => l != NormalClass).ToArray();
        var testView = new FashionMnistSplit(FashionMnistSplitName.Test, data.Test.Pixels, isAnomaly.Select(a => a ? 1 : 0).ToArray(),
            data.Test.Source, data.Test.IsEmbeddedSubset).ToDataView(mlContext);

        log.WriteLine();
        log.WriteLine($"Training the autoencoder anomaly detector (defaults: a network sized from the images, code-space density) on the {normalTrain.Count:N0} " +
                      $"'{normalName}' training images for {epochs} epochs...");
        var options = Options(epochs, log);
        using var detector = mlContext.AnomalyDetection.Trainers.Autoencoder(options).Fit(trainView);
        var network = detector.Model.Architecture;
        log.WriteLine($"  network: undercomplete {network.InputSize}-{string.Join('-', network.HiddenSizes)}-{network.LatentDimension}, " +
                      $"code density over {detector.Model.CodeDensityReferenceRows:N0} training codes (k = {detector.Model.CodeDensityNeighbours})");
        var scored = detector.Transform(testView);
        var scores = Columns.ReadScalars<float>(scored, "Score");
        var flagged = Columns.ReadScalars<bool>(scored, "PredictedLabel");
        var autoencoder = new DetectorRoc("Autoencoder detector", RocCurve.From(scores, isAnomaly),
            mlContext.AnomalyDetection.Evaluate(scored).AreaUnderRocCurve);

        log.WriteLine($"Training ML.NET RandomizedPca (rank {PcaRank}) on the same images...");
        var pca = mlContext.AnomalyDetection.Trainers.RandomizedPca(rank: PcaRank, seed: 1).Fit(trainView);
        var pcaScored = pca.Transform(testView);
        var pcaRoc = new DetectorRoc($"ML.NET RandomizedPca, rank {PcaRank}", RocCurve.From(Columns.ReadScalars<float>(pcaScored, "Score"), isAnomaly),
            mlContext.AnomalyDetection.Evaluate(pcaScored).AreaUnderRocCurve);

        var detectionRate = Rate(flagged, isAnomaly, anomalies: true);
        var falseAlarmRate = Rate(flagged, isAnomaly, anomalies: false);
        var byScore = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray();
        var most = byScore.Take(ItemsShown).ToArray();
        var least = byScore.Reverse().Take(ItemsShown).ToArray();
        var oddestNormal = byScore.Where(i => !isAnomaly[i]).Take(ItemsShown).ToArray();

        var (imagePath, tiles) = Draw(Path.Combine(settings.OutputDirectory, "anomaly-detection.png"), data, scores, autoencoder, pcaRoc,
            (falseAlarmRate, detectionRate), most, least, oddestNormal, normalName,
            $"Trained on {normalTrain.Count:N0} '{normalName}' images only ({epochs} epochs); scored: {data.Test.Count:N0} test images, " +
            $"{isAnomaly.Count(a => !a):N0} '{normalName}' (normal) and {isAnomaly.Count(a => a):N0} of the nine other classes (anomalies).");

        var elapsed = total.Elapsed;
        var resultsPath = resultsFile.Write(settings, data, epochs, elapsed, [imagePath], new
        {
            NormalClass = normalName,
            NormalTrainRows = normalTrain.Count,
            NormalTestRows = isAnomaly.Count(a => !a),
            AnomalousTestRows = isAnomaly.Count(a => a),
            AutoencoderAuc = autoencoder.Curve.Area,
            AutoencoderEvaluatedAuc = autoencoder.EvaluatedAuc,
            PcaRank,
            RandomizedPcaAuc = pcaRoc.Curve.Area,
            RandomizedPcaEvaluatedAuc = pcaRoc.EvaluatedAuc,
            Contamination = Math.Round((double)options.Contamination, 6),
            Threshold = (double)detector.Threshold,
            DetectionRate = detectionRate,
            FalseAlarmRate = falseAlarmRate,
        });
        var result = new AnomalyDetectionResult(imagePath, NormalClass, autoencoder, pcaRoc, detector.Threshold, detectionRate, falseAlarmRate,
            most, least, normalTrain.Count, data.Test.Count, epochs, elapsed, oddestNormal, tiles, resultsPath);
        log.WriteLine();
        log.WriteLine($"| AnomalyDetection ('{normalName}' normal)      | value |");
        log.WriteLine($"|-----------------------------------------|-------|");
        log.WriteLine($"| train images (normal class) / test      | {result.TrainRows:N0} / {result.TestRows:N0} ({(data.IsEmbeddedSubset ? "embedded subset" : "full dataset")}) |");
        log.WriteLine($"| epochs                                  | {epochs} |");
        log.WriteLine($"| ROC-AUC, autoencoder detector           | {autoencoder.Curve.Area:F4} (Evaluate: {autoencoder.EvaluatedAuc:F4}) |");
        log.WriteLine($"| ROC-AUC, RandomizedPca rank {PcaRank}          | {pcaRoc.Curve.Area:F4} (Evaluate: {pcaRoc.EvaluatedAuc:F4}) |");
        log.WriteLine($"| at the trained threshold {result.Threshold:G4}        | detects {detectionRate:P1} of anomalies, flags {falseAlarmRate:P1} of normal items |");
        log.WriteLine($"| image                                   | {imagePath} |");
        log.WriteLine($"| results                                 | {resultsPath} |");
        log.WriteLine($"| total time                              | {result.Elapsed.TotalSeconds:F1} s |");
        return result;
    }

    /// <summary>The detector's defaults, with the sample's epochs and seed.</summary>
    internal static AutoencoderAnomalyOptions Options(int epochs, TextWriter log)
    {
        var options = new AutoencoderAnomalyOptions();
        options.Autoencoder.NumberOfEpochs = epochs;
        options.Autoencoder.Seed = 1;
        options.Autoencoder.Progress = new TrainingLog(log, "detector");
        return options;
    }

    private static double Rate(bool[] flagged, bool[] isAnomaly, bool anomalies)
    {
        var members = Enumerable.Range(0, flagged.Length).Where(i => isAnomaly[i] == anomalies).ToArray();
        return members.Length == 0 ? double.NaN : members.Count(i => flagged[i]) / (double)members.Length;
    }

    private static (string Path, IReadOnlyList<ImageTile> Tiles) Draw(string path, GalleryData data, float[] scores, DetectorRoc autoencoder, DetectorRoc pca,
        (double X, double Y) operatingPoint, int[] most, int[] least, int[] oddestNormal, string normalName, string caption)
    {
        const int plotSide = 620, top = 50, margin = 10, block = 150;
        var left = plotSide + 2 * margin;
        var rows = new ImageRows(ItemsShown, labelWidth: 210, left: left);
        using var figure = new Figure(plotSide + 2 * margin + rows.Width, top + plotSide + 40);
        figure.Text($"Anomaly detection on Fashion-MNIST: '{normalName}' is normal, every other class an anomaly",
            figure.Width / 2f, 30, 18, SKTextAlign.Center, bold: true);
        figure.Plot(RocPlot(autoencoder, pca, operatingPoint), new SKRect(margin, top, margin + plotSide, top + plotSide));

        var section = 0;
        void Section(string title, string label, int[] items)
        {
            var y = top + 30 + section++ * (block + 50);
            figure.Text(title, left + rows.Width / 2f, y, 15, SKTextAlign.Center, bold: true);
            rows.Captions(figure, items.Select(i => FashionMnist.ClassNames[data.Test.Labels[i]]).ToArray(), y + 26);
            rows.Captions(figure, items.Select(i => scores[i] >= 100 ? $"{scores[i]:N0}" : $"{scores[i]:G3}").ToArray(), y + 42);
            rows.Row(figure, y + 50, label, "class, score above", items.Select(i => Tones.FromUnitInterval(data.Test.GetImage(i))).ToArray());
        }
        Section("The most anomalous test items (highest autoencoder score)", "most anomalous", most);
        Section("The least anomalous test items (lowest score)", "least anomalous", least);
        Section($"The most unusual '{normalName}' test items: normal class, highest score", $"odd '{normalName}'", oddestNormal);

        figure.Text(caption, figure.Width / 2f, figure.Height - 14, 13, SKTextAlign.Center);
        return (figure.SavePng(path), figure.Tiles);
    }

    private static Plot RocPlot(DetectorRoc autoencoder, DetectorRoc pca, (double X, double Y) operatingPoint)
    {
        var plot = new Plot();
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = LinePattern.Dashed;
        chance.Color = Colors.Gray;
        chance.LegendText = "chance (AUC 0.5)";
        foreach (var (roc, color) in new[] { (autoencoder, Colors.C0), (pca, Colors.C1) })
        {
            var line = plot.Add.Scatter(roc.Curve.FalsePositiveRates, roc.Curve.TruePositiveRates);
            line.MarkerSize = 0;
            line.LineWidth = 2.5f;
            line.Color = color;
            line.LegendText = $"{roc.Name}: AUC {roc.Curve.Area:F3}";
        }
        var point = plot.Add.Marker(operatingPoint.X, operatingPoint.Y);
        point.MarkerShape = MarkerShape.FilledCircle;
        point.MarkerSize = 11;
        point.Color = Colors.Black;
        point.LegendText = $"detector's PredictedLabel (threshold at 10 % contamination)";
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.Title("ROC on the test set", size: 16);
        plot.XLabel("false positive rate (normal items flagged)", size: 14);
        plot.YLabel("true positive rate (anomalies flagged)", size: 14);
        plot.ShowLegend(Alignment.LowerRight);
        plot.Legend.FontSize = 13;
        return plot;
    }
}
