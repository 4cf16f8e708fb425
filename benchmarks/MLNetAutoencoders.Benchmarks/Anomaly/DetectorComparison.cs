using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>A detector as the results files name it.</summary>
/// <param name="Id">Key in the results, e.g. "autoencoder", "isolationForest".</param>
/// <param name="Name">What the README calls it.</param>
/// <param name="Seeded">Whether its result depends on the seed (then it runs once per seed, otherwise once).</param>
internal sealed record DetectorInfo(string Id, string Name, bool Seeded);

/// <summary>
/// One detector's scores of a task's test rows (higher = more anomalous), from one seed (null: not seeded);
/// <paramref name="Seconds"/> fit and scoring, <paramref name="FitSeconds"/> the fit alone.
/// </summary>
internal sealed record DetectorScores(string Detector, int? Seed, double[] Scores, double Seconds, double FitSeconds);

/// <summary>One detector's quality on one task with one seed; <paramref name="NonFiniteScores"/> test rows had no finite score.</summary>
internal sealed record DetectorRun(string Detector, int? Seed, double RocAuc, double AveragePrecision, double Seconds, int NonFiniteScores, double FitSeconds);

/// <summary>An ML.NET detector: an estimator writing a "Score" column (higher = more anomalous) for a seed.</summary>
internal sealed record MlNetDetector(DetectorInfo Info, Func<MLContext, int, IEstimator<ITransformer>> Create);

/// <summary>
/// Runs every detector on a task, ours through ML.NET and scikit-learn's through its script, and evaluates all
/// their scores with the one <see cref="DetectionMetrics.Evaluate"/>.
/// </summary>
internal static class DetectorComparison
{
    public static List<DetectorRun> Run(AnomalyTask task, IReadOnlyList<int> seeds, IReadOnlyList<MlNetDetector> mlNet,
        ScikitLearnDetectors scikitLearn, Action<string> setVersion)
    {
        var scores = new List<DetectorScores>();
        foreach (var detector in mlNet)
            foreach (var seed in detector.Info.Seeded ? seeds : seeds.Take(1))
                scores.Add(ScoreWithMlNet(task, detector, seed));
        var (sklearnScores, version) = scikitLearn.Score(task, seeds);
        setVersion(version);
        scores.AddRange(sklearnScores);

        var runs = scores.Select(s => Evaluate(task, s)).ToList();
        foreach (var run in runs)
            PrintRun(task.Name, run);
        return runs;
    }

    /// <summary>Scores' ROC-AUC and average precision on the task's test rows, non-finite scores ranked lowest.</summary>
    public static DetectorRun Evaluate(AnomalyTask task, DetectorScores s)
    {
        var nonFinite = s.Scores.Count(v => !double.IsFinite(v));
        var quality = DetectionMetrics.Evaluate(RankNonFiniteLowest(s.Scores), task.TestIsAnomaly);
        return new DetectorRun(s.Detector, s.Seed, quality.RocAuc, quality.AveragePrecision, s.Seconds, nonFinite, s.FitSeconds);
    }

    /// <summary>One line per run: task, detector, seed, ROC-AUC, AP, seconds.</summary>
    public static void PrintRun(string task, DetectorRun run) =>
        Console.WriteLine(Invariant($"  {task,-16} {run.Detector,-24} seed {run.Seed?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",-3} ROC-AUC {run.RocAuc:F4}  AP {run.AveragePrecision:F4}  {run.Seconds:F1} s (fit {run.FitSeconds:F1} s){(run.NonFiniteScores > 0 ? $"  ({run.NonFiniteScores} non-finite scores, ranked lowest)" : "")}"));

    /// <summary>
    /// Non-finite scores (ML.NET's RandomizedPca returns NaN where its float32 residual norm² − projection norm² rounds
    /// below zero, i.e. for rows almost inside the principal subspace) tie below every finite score: the least
    /// anomalous, which is what that round-off means. Runs count them (<see cref="DetectorRun.NonFiniteScores"/>).
    /// </summary>
    private static double[] RankNonFiniteLowest(double[] scores)
    {
        var finite = scores.Where(double.IsFinite).DefaultIfEmpty(0).Min();
        return scores.Select(v => double.IsFinite(v) ? v : finite - 1).ToArray();
    }

    /// <summary>Fits the detector on the task's training rows with <paramref name="seed"/> and scores its test rows.</summary>
    public static DetectorScores ScoreWithMlNet(AnomalyTask task, MlNetDetector detector, int seed)
    {
        var ml = new MLContext(seed: seed);
        var training = task.TrainView(ml);
        var testing = task.TestView(ml);
        var clock = Stopwatch.StartNew();
        var model = detector.Create(ml, seed).Fit(training);
        var fitSeconds = clock.Elapsed.TotalSeconds;
        try
        {
            var scores = model.Transform(testing).GetColumn<float>("Score").Select(s => (double)s).ToArray();
            return new DetectorScores(detector.Info.Id, detector.Info.Seeded ? seed : null, scores, clock.Elapsed.TotalSeconds, fitSeconds);
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// Per detector: for each seed the mean over tasks, then the mean, min and max over seeds; and the standard
    /// deviation (n − 1) over tasks of each task's mean over seeds.
    /// </summary>
    public static List<object> Summarize(IEnumerable<DetectorInfo> detectors, IReadOnlyList<(AnomalyTask Task, List<DetectorRun> Runs)> results) =>
        detectors.Select(d =>
        {
            var runs = results.SelectMany(r => r.Runs.Where(x => x.Detector == d.Id).Select(x => (r.Task.Name, Run: x))).ToList();
            object Statistic(Func<DetectorRun, double> value)
            {
                var perSeed = runs.GroupBy(r => r.Run.Seed).Select(g => new { seed = g.Key, mean = g.Average(r => value(r.Run)) }).ToList();
                var perTask = runs.GroupBy(r => r.Name).Select(g => g.Average(r => value(r.Run))).ToArray();
                var mean = perTask.Average();
                var sd = perTask.Length > 1 ? Math.Sqrt(perTask.Sum(v => (v - mean) * (v - mean)) / (perTask.Length - 1)) : 0;
                return new { mean = perSeed.Average(s => s.mean), min = perSeed.Min(s => s.mean), max = perSeed.Max(s => s.mean), sdOverTasks = sd, perSeed };
            }
            return (object)new { detector = d.Id, name = d.Name, seeded = d.Seeded, rocAuc = Statistic(r => r.RocAuc), averagePrecision = Statistic(r => r.AveragePrecision) };
        }).ToList();

    /// <summary>Prints the summary as the README shows it.</summary>
    public static void Print(IEnumerable<DetectorInfo> detectors, IReadOnlyList<(AnomalyTask Task, List<DetectorRun> Runs)> results)
    {
        Console.WriteLine("| detector | ROC-AUC mean (min–max over seeds) | average precision mean (min–max) |");
        foreach (var d in detectors)
        {
            var bySeed = results.SelectMany(r => r.Runs).Where(r => r.Detector == d.Id).GroupBy(r => r.Seed)
                .Select(g => (Auc: g.Average(r => r.RocAuc), Ap: g.Average(r => r.AveragePrecision))).ToList();
            Console.WriteLine(Invariant($"| {d.Name} | {bySeed.Average(s => s.Auc):F4} ({bySeed.Min(s => s.Auc):F4}–{bySeed.Max(s => s.Auc):F4}) | {bySeed.Average(s => s.Ap):F4} ({bySeed.Min(s => s.Ap):F4}–{bySeed.Max(s => s.Ap):F4}) |"));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
