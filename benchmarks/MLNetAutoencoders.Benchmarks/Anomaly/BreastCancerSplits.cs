using System.Globalization;
using Microsoft.ML;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// Wisconsin diagnostic breast cancer (569 tumours, 30 features from ~0.06 to ~2,500, shipped with python3-sklearn):
/// benign tumours are normal. Each of five random splits trains on 250 benign rows and scores the other 107 benign
/// and all 212 malignant rows. ML.NET's RandomizedPca raw and after NormalizeMeanVariance; scikit-learn's PCA and
/// kNN on features standardized with the training rows' mean and standard deviation, as our detector does inside
/// (IsolationForest is invariant to that scaling).
/// </summary>
internal static class BreastCancerSplits
{
    public const string DataPath = "/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv";

    private const int Splits = 5;
    private const int BenignTrainingRows = 250;
    private const int Features = 30;

    public static void Run(AnomalySettings settings)
    {
        var started = DateTimeOffset.Now;
        var loadAtStart = RunRecord.LoadAverage();
        ScikitLearnDetectors.Require();
        if (!File.Exists(DataPath))
            throw new InvalidOperationException($"{DataPath} not found: apt-get install -y python3-sklearn (the data set ships with it).");
        // Columns: 30 features, then the target (0 = malignant, 1 = benign).
        var lines = File.ReadAllLines(DataPath).Skip(1).Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var rows = lines.Select(l => l[..Features]).ToArray();
        var malignant = lines.Select(l => l[Features] == 0).ToArray();

        var pcaRank = settings.PcaRank ?? 5;
        var scikitLearn = new ScikitLearnDetectors(pcaRank, AnomalySettings.NearestNeighbours, Standardize: true);
        var mlNet = new MlNetDetector[]
        {
            new(new("autoencoder", settings.DetectorName, Seeded: true),
                (ml, seed) => ml.AnomalyDetection.Trainers.Autoencoder(settings.Detector(seed))),
            new(new("randomizedPca", $"ML.NET RandomizedPca, rank {pcaRank}", Seeded: true),
                (ml, seed) => ml.AnomalyDetection.Trainers.RandomizedPca(rank: pcaRank, seed: seed)),
            new(new("normalizedRandomizedPca", $"ML.NET NormalizeMeanVariance + RandomizedPca, rank {pcaRank}", Seeded: true),
                (ml, seed) => ml.Transforms.NormalizeMeanVariance("Features").Append(ml.AnomalyDetection.Trainers.RandomizedPca(rank: pcaRank, seed: seed))),
        };
        var detectors = mlNet.Select(d => d.Info).Concat(scikitLearn.Detectors(", standardized")).ToList();
        var version = "";

        var results = new List<(AnomalyTask Task, List<DetectorRun> Runs)>();
        for (var split = 0; split < Splits; split++)
        {
            // The splits are fixed (seeds 1..5), whatever the detectors' seeds.
            var benign = Enumerable.Range(0, rows.Length).Where(i => !malignant[i]).ToArray();
            new Random(split + 1).Shuffle(benign);
            var training = benign.Take(BenignTrainingRows).ToArray();
            var testing = Enumerable.Range(0, rows.Length).Except(training).ToArray();
            var task = new AnomalyTask(string.Create(CultureInfo.InvariantCulture, $"split {split}"), Features,
                training.SelectMany(i => rows[i]).ToArray(), testing.SelectMany(i => rows[i]).ToArray(), testing.Select(i => malignant[i]).ToArray());
            results.Add((task, DetectorComparison.Run(task, settings.Seeds, mlNet, scikitLearn, v => version = v)));
        }
        DetectorComparison.Print(detectors, results);

        RunRecord.Write(settings.Results, settings.FileName("anomaly-tabular", settings.Seeds.Length >= 3), new
        {
            run = RunRecord.Finish(settings.CommandFor("tabular"), started, loadAtStart),
            dataset = $"Wisconsin diagnostic breast cancer (UCI, {DataPath}); {Splits} random splits (seeds 1..{Splits}): train on {BenignTrainingRows} benign rows, test on the other benign and all malignant rows",
            seeds = settings.Seeds,
            pcaRank,
            nearestNeighbours = AnomalySettings.NearestNeighbours,
            nearestNeighbourScore = "Euclidean distance to the k-th nearest training row (the largest of the k), standardized features",
            autoencoder = settings.Describe(),
            scikitLearnVersion = version,
            detectors,
            summary = DetectorComparison.Summarize(detectors, results),
            splits = results.Select(r => new { split = r.Task.Name, trainRows = r.Task.TrainRows, testRows = r.Task.TestRows, anomalies = r.Task.TestIsAnomaly.Count(a => a), runs = r.Runs }),
        });
    }
}
