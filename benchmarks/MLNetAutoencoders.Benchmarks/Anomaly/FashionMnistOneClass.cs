using System.Globalization;
using Microsoft.ML;
using MLNetAutoencoders.SampleData;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// The one-class protocol of the deep one-class literature (Ruff et al. 2018): for each Fashion-MNIST class, train on
/// that class's 6,000 training images only and score the 10,000 test images, that class normal and the nine others
/// anomalies. Our two detectors (the MLP defaults and the convolutional one: the defaults with ImageShape 1 x 28 x 28),
/// ML.NET's RandomizedPca and scikit-learn's IsolationForest, PCA reconstruction error and kNN distance on the same
/// pixels (raw, in [0, 1]), in the same run; ROC-AUC and average precision per class and seed.
/// </summary>
internal static class FashionMnistOneClass
{
    /// <summary>The convolutional detector's id in the results.</summary>
    public const string Convolutional = "autoencoderConvolutional";

    /// <summary>Issue 15: the convolutional detector's mean ROC-AUC over the ten classes, for every seed.</summary>
    public static readonly Target ConvolutionalTarget = Target.AtLeast(0.93);

    public static void Run(AnomalySettings settings)
    {
        if (settings.Image is { } image && image.Size != FashionMnistSplit.PixelCount)
            throw new ArgumentException($"--image {image} describes {image.Size} values; a Fashion-MNIST image has {FashionMnistSplit.PixelCount}.");
        var started = DateTimeOffset.Now;
        var loadAtStart = RunRecord.LoadAverage();
        ScikitLearnDetectors.Require();
        var train = FashionMnist.Load(FashionMnistSplitName.Train);
        var test = FashionMnist.Load(FashionMnistSplitName.Test, settings.TestRows);
        Console.WriteLine($"Data: {train.Source}; {test.Source}");
        if (train.IsEmbeddedSubset)
            throw new InvalidOperationException("The full Fashion-MNIST is not installed: apt-get install -y dataset-fashion-mnist.");
        var pcaRank = settings.PcaRank ?? 20;
        var scikitLearn = new ScikitLearnDetectors(pcaRank, AnomalySettings.NearestNeighbours, Standardize: false);
        var mlNet = new MlNetDetector[]
        {
            new(new("autoencoder", settings.DetectorName, Seeded: true),
                (ml, seed) => ml.AnomalyDetection.Trainers.Autoencoder(settings.Detector(seed))),
            new(new(Convolutional, settings.ConvolutionalDetectorName, Seeded: true),
                (ml, seed) => ml.AnomalyDetection.Trainers.Autoencoder(settings.ConvolutionalDetector(seed))),
            new(new("randomizedPca", $"ML.NET RandomizedPca, rank {pcaRank}", Seeded: true),
                (ml, seed) => ml.AnomalyDetection.Trainers.RandomizedPca(rank: pcaRank, seed: seed)),
        };
        var detectors = mlNet.Select(d => d.Info).Concat(scikitLearn.Detectors("")).ToList();
        var version = "";

        var results = new List<(AnomalyTask Task, List<DetectorRun> Runs)>();
        foreach (var normal in settings.Classes)
        {
            var ofClass = train.OfClass(normal);
            var rows = Math.Min(ofClass.Count, settings.TrainRows ?? ofClass.Count);
            var task = new AnomalyTask(string.Create(CultureInfo.InvariantCulture, $"{normal} {FashionMnist.ClassNames[normal]}"), FashionMnistSplit.PixelCount,
                ofClass.Pixels[..(rows * FashionMnistSplit.PixelCount)], test.Pixels, test.Labels.Select(l => l != normal).ToArray());
            results.Add((task, DetectorComparison.Run(task, settings.Seeds, mlNet, scikitLearn, v => version = v)));
        }
        DetectorComparison.Print(detectors, results);

        var allClasses = settings.Classes.Length == FashionMnist.ClassCount && settings.TrainRows is null && settings.TestRows is null;
        var reportable = allClasses && settings.Seeds.Length >= Verdict.MinimumSeeds;
        var target = HoldToTarget(results, allClasses);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Target: {target.What} {ConvolutionalTarget}: {target.Verdict} (per seed {string.Join(", ", target.PerSeed.Select(s => $"{s.Seed}: {s.RocAuc:F4}"))})"));
        RunRecord.Write(settings.Results, settings.FileName("anomaly-fmnist", reportable), new
        {
            run = RunRecord.Finish(settings.CommandFor("fmnist"), started, loadAtStart),
            protocol = "one-class: train on one Fashion-MNIST class's training images, score all test images (that class normal, the other nine anomalies); pixels in [0, 1]",
            data = $"{train.Source}; {test.Source}",
            seeds = settings.Seeds,
            pcaRank,
            nearestNeighbours = AnomalySettings.NearestNeighbours,
            nearestNeighbourScore = "Euclidean distance to the k-th nearest training row (the largest of the k)",
            autoencoder = settings.Describe(),
            convolutionalAutoencoder = settings.DescribeConvolutional(),
            target,
            scikitLearnVersion = version,
            detectors,
            summary = DetectorComparison.Summarize(detectors, results),
            classes = results.Select(r => new { @class = r.Task.Name, trainRows = r.Task.TrainRows, testRows = r.Task.TestRows, anomalies = r.Task.TestIsAnomaly.Count(a => a), runs = r.Runs }),
        });
    }

    /// <summary>
    /// The convolutional detector's target: its mean ROC-AUC over the classes for each seed. PASS or FAIL needs all ten
    /// classes with all their rows and 3 seeds (<see cref="Verdict.Of"/>); anything less is "inconclusive".
    /// </summary>
    private static TargetResult HoldToTarget(IReadOnlyList<(AnomalyTask Task, List<DetectorRun> Runs)> results, bool allClasses)
    {
        var perSeed = results.SelectMany(r => r.Runs).Where(r => r.Detector == Convolutional).GroupBy(r => r.Seed!.Value)
            .Select(g => new SeedRocAuc(g.Key, g.Average(r => r.RocAuc))).OrderBy(s => s.Seed).ToList();
        var verdict = allClasses
            ? Verdict.Of(perSeed.Select(s => s.RocAuc).ToList(), ConvolutionalTarget, minimumSamples: Verdict.MinimumSeeds)
            : Verdict.Inconclusive;
        return new TargetResult(Convolutional, "convolutional detector's mean ROC-AUC over the 10 classes, every seed", ConvolutionalTarget.Threshold, perSeed, verdict);
    }

    private sealed record SeedRocAuc(int Seed, double RocAuc);

    /// <summary>The target as the results file records it (the README's table renders it under the detectors).</summary>
    private sealed record TargetResult(string Detector, string What, double AtLeast, IReadOnlyList<SeedRocAuc> PerSeed, string Verdict);
}
