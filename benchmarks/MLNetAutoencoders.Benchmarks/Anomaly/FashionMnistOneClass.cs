using System.Globalization;
using Microsoft.ML;
using MLNetAutoencoders.SampleData;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// The one-class protocol of the deep one-class literature (Ruff et al. 2018): for each Fashion-MNIST class, train on
/// that class's 6,000 training images only and score the 10,000 test images, that class normal and the nine others
/// anomalies. Our detector, ML.NET's RandomizedPca and scikit-learn's IsolationForest, PCA reconstruction error and
/// kNN distance on the same pixels (raw, in [0, 1]), in the same run; ROC-AUC and average precision per class and seed.
/// </summary>
internal static class FashionMnistOneClass
{
    public static void Run(AnomalySettings settings)
    {
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

        var reportable = settings.Classes.Length == FashionMnist.ClassCount && settings.TrainRows is null && settings.TestRows is null && settings.Seeds.Length >= 3;
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
            scikitLearnVersion = version,
            detectors,
            summary = DetectorComparison.Summarize(detectors, results),
            classes = results.Select(r => new { @class = r.Task.Name, trainRows = r.Task.TrainRows, testRows = r.Task.TestRows, anomalies = r.Task.TestIsAnomaly.Count(a => a), runs = r.Runs }),
        });
    }
}
