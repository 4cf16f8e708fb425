using System.Globalization;
using System.Text.Json;
using Microsoft.ML;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// The tabular anomaly suite: on each table of benchmarks/reference/anomaly_tables.py (scikit-learn's bundled
/// breast cancer, digits, wine and iris with a class down-sampled as anomalies, Fashion-MNIST one-class tables and
/// ADBench's four synthetic anomaly types), our detector with its defaults beside scikit-learn's IsolationForest,
/// kNN distance (k = 5) and PCA reconstruction error and ML.NET's RandomizedPca. Unsupervised, as ODDS and ADBench
/// report it: every detector fits on all rows of the table (anomalies included, unlabelled) and scores the same rows.
/// Each seed draws the table anew (the down-sampled anomalies, the synthetic rows) and seeds the seeded detectors.
/// scikit-learn's PCA and kNN see standardized features, ML.NET's RandomizedPca runs after NormalizeMeanVariance,
/// IsolationForest sees the raw features and our detector standardizes them itself.
/// </summary>
internal static class AnomalySuite
{
    public const string Script = "anomaly_tables.py";

    /// <summary>The tables of a default run, in order (anomaly_tables.py's TABLES).</summary>
    public static readonly string[] DefaultTables =
        ["breastw", "digits", "wine", "iris", "fmnist-0", "fmnist-5", "fmnist-9", "local", "global", "dependency", "clustered"];

    /// <summary>The 50,000 × 10 table of <c>--large</c>.</summary>
    public const string LargeTable = "large";

    private sealed record TableResult(string Name, string Description, int Rows, int Features, int Anomalies, int PcaRank,
        List<DetectorRun> Runs, List<DetectorFailure> Failures);

    private sealed record DetectorFailure(string Detector, int Seed, string Error);

    public static void Run(AnomalySettings settings)
    {
        var started = DateTimeOffset.Now;
        var loadAtStart = RunRecord.LoadAverage();
        ScikitLearnDetectors.Require();
        PythonReference.Require("numpy", "sklearn", "scipy");
        var tables = settings.Large ? [LargeTable] : settings.Tables ?? DefaultTables;
        var seeds = settings.Seeds;
        var detectorInfos = new List<DetectorInfo>();
        var version = "";

        var directory = Directory.CreateTempSubdirectory("anomaly-suite-");
        var results = new List<TableResult>();
        try
        {
            Console.WriteLine($"Writing tables {string.Join(',', tables)} for seeds {string.Join(',', seeds)} to {directory.FullName}");
            PythonReference.Run(Script, [directory.FullName, "--seeds", string.Join(',', seeds), "--tables", string.Join(',', tables)],
                TimeSpan.FromMinutes(10), [.. tables.Select(t => t + "_rows")]);
            var descriptions = JsonSerializer.Deserialize<List<Dictionary<string, string>>>(File.ReadAllText(Path.Combine(directory.FullName, "tables.json")))!
                .ToDictionary(t => t["name"], t => t["description"]);

            foreach (var table in tables)
            {
                var tableClock = System.Diagnostics.Stopwatch.StartNew();
                var runs = new List<DetectorRun>();
                var failures = new List<DetectorFailure>();
                int rows = 0, features = 0, anomalies = 0, pcaRank = 0;
                foreach (var seed in seeds)
                {
                    var folder = Path.Combine(directory.FullName, table, $"seed{seed}");
                    var (x, rowCount, featureCount) = NpyFile.ReadMatrix(Path.Combine(folder, "X.npy"));
                    var isAnomaly = NpyFile.ReadVector(Path.Combine(folder, "y.npy")).Select(v => v == 1).ToArray();
                    (rows, features, anomalies) = (rowCount, featureCount, isAnomaly.Count(a => a));
                    pcaRank = PcaRank(settings.PcaRank, features);
                    // Unsupervised: the training rows are the scored rows.
                    var task = new AnomalyTask(Invariant($"{table} s{seed}"), features, x, x, isAnomaly);
                    var mlNet = MlNetDetectors(settings, pcaRank);
                    var scikitLearn = new ScikitLearnDetectors(pcaRank, AnomalySettings.NearestNeighbours, Standardize: true, SameRows: true);
                    if (detectorInfos.Count == 0)
                        detectorInfos.AddRange(mlNet.Select(d => d.Info).Concat(scikitLearn.Detectors(", standardized")).Select(d => d with { Name = Generic(d.Name) }));

                    if (results.Count == 0 && seed == seeds[0])
                        WarmUp(task, mlNet, seed);

                    var scores = new List<DetectorScores>();
                    foreach (var detector in mlNet)
                    {
                        try
                        {
                            scores.Add(DetectorComparison.ScoreWithMlNet(task, detector, seed));
                        }
                        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
                        {
                            // A detector that cannot fit a table is a result (e.g. defaults that do not fit 4 features), not a crash.
                            failures.Add(new DetectorFailure(detector.Info.Id, seed, ex.Message));
                            Console.WriteLine($"  {task.Name,-16} {detector.Info.Id,-24} seed {seed,-3} FAILED: {ex.GetType().Name}: {ex.Message}");
                        }
                    }
                    var (sklearnScores, sklearnVersion) = scikitLearn.Score(task, [seed]);
                    version = sklearnVersion;
                    // PCA and kNN are deterministic, but each seed is another draw of the table.
                    scores.AddRange(sklearnScores.Select(s => s with { Seed = seed }));
                    foreach (var run in scores.Select(s => DetectorComparison.Evaluate(task, s with { Seed = seed })))
                    {
                        runs.Add(run);
                        DetectorComparison.PrintRun(task.Name, run);
                    }
                }
                var result = new TableResult(table, descriptions[table], rows, features, anomalies, pcaRank, runs, failures);
                results.Add(result);
                PrintTable(detectorInfos, result, seeds.Length);
                Console.WriteLine(Invariant($"  ({table}: {tableClock.Elapsed.TotalSeconds:F0} s for {seeds.Length} seed(s), all detectors)"));
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        var summary = Summarize(detectorInfos, results, seeds);
        var comparisons = Compare(results);
        PrintSummary(detectorInfos, summary, comparisons);

        var defaultTables = settings.Tables is null || settings.Tables.SequenceEqual(DefaultTables);
        var reportable = seeds.Length >= 5 && settings.PcaRank is null && (settings.Large || defaultTables);
        RunRecord.Write(settings.Results, settings.FileName(settings.Large ? "anomaly-suite-large" : "anomaly-suite", reportable), new
        {
            run = RunRecord.Finish(settings.CommandFor("suite"), started, loadAtStart),
            protocol = "unsupervised (ODDS, ADBench): every detector fits on all rows of a table, anomalies included and unlabelled, " +
                       "and scores the same rows; each seed draws the table anew and seeds the seeded detectors; ROC-AUC and average precision per table and seed",
            scaling = "scikit-learn PCA and kNN: standardized with the table's mean and sd; ML.NET RandomizedPca: after NormalizeMeanVariance; " +
                      "IsolationForest: raw; the autoencoder detector: raw (it standardizes itself)",
            seeds,
            nearestNeighbours = AnomalySettings.NearestNeighbours,
            nearestNeighbourScore = "Euclidean distance to the k-th nearest other row (the row itself left out), standardized features",
            pcaRankRule = settings.PcaRank is { } r ? Invariant($"--pca-rank {r} (at most features - 1)") : "ceil(features / 4), at least 1, at most 20",
            autoencoder = settings.Describe(),
            scikitLearnVersion = version,
            detectors = detectorInfos,
            summary,
            comparisons,
            tables = results.Select(t => new
            {
                name = t.Name,
                description = t.Description,
                rows = t.Rows,
                features = t.Features,
                anomalies = t.Anomalies,
                anomalyFraction = (double)t.Anomalies / t.Rows,
                pcaRank = t.PcaRank,
                detectors = detectorInfos.Select(d => TableStatistics(t, d.Id)),
                failures = t.Failures,
                runs = t.Runs,
            }),
        });
    }

    /// <summary>
    /// One untimed fit of each ML.NET detector on the first table, so that no table's fit time includes loading
    /// libtorch and compiling the code paths (a failure here is reported by the timed fit that follows).
    /// </summary>
    private static void WarmUp(AnomalyTask task, IEnumerable<MlNetDetector> detectors, int seed)
    {
        foreach (var detector in detectors)
        {
            try
            {
                DetectorComparison.ScoreWithMlNet(task, detector, seed);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
            }
        }
    }

    /// <summary>ceil(features / 4) in [1, 20], or the --pca-rank asked for; always below the feature count.</summary>
    public static int PcaRank(int? asked, int features) =>
        Math.Max(1, Math.Min(features - 1, asked ?? Math.Clamp((features + 3) / 4, 1, 20)));

    private static MlNetDetector[] MlNetDetectors(AnomalySettings settings, int pcaRank) =>
    [
        new(new("autoencoder", settings.DetectorName, Seeded: true),
            (ml, seed) => ml.AnomalyDetection.Trainers.Autoencoder(settings.Detector(seed))),
        new(new("normalizedRandomizedPca", Invariant($"ML.NET NormalizeMeanVariance + RandomizedPca, rank {pcaRank}"), Seeded: true),
            (ml, seed) => ml.Transforms.NormalizeMeanVariance("Features").Append(ml.AnomalyDetection.Trainers.RandomizedPca(rank: pcaRank, seed: seed))),
    ];

    /// <summary>The rank varies with the table: the summary names the rule instead.</summary>
    private static string Generic(string name) =>
        System.Text.RegularExpressions.Regex.Replace(name, @"rank \d+|\d+ components", m => m.Value.StartsWith("rank", StringComparison.Ordinal) ? "rank per table" : "components per table");

    private static object TableStatistics(TableResult t, string detector)
    {
        var runs = t.Runs.Where(r => r.Detector == detector).ToList();
        object? Statistic(Func<DetectorRun, double> value) => runs.Count == 0 ? null : new
        {
            mean = runs.Average(value),
            min = runs.Min(value),
            max = runs.Max(value),
        };
        return new
        {
            detector,
            seeds = runs.Count,
            failedSeeds = t.Failures.Count(f => f.Detector == detector),
            rocAuc = Statistic(r => r.RocAuc),
            averagePrecision = Statistic(r => r.AveragePrecision),
            fitSecondsMedian = runs.Count == 0 ? (double?)null : Median(runs.Select(r => r.FitSeconds)),
            secondsMedian = runs.Count == 0 ? (double?)null : Median(runs.Select(r => r.Seconds)),
        };
    }

    /// <summary>Mean of a table's runs of a detector, or null when any seed failed.</summary>
    private static double? TableMean(TableResult t, string detector, Func<DetectorRun, double> value)
    {
        var runs = t.Runs.Where(r => r.Detector == detector).ToList();
        return runs.Count == 0 || t.Failures.Any(f => f.Detector == detector) ? null : runs.Average(value);
    }

    /// <summary>
    /// Per detector: the mean over tables of each table's mean over seeds (null when the detector failed on any table;
    /// then also the mean over the tables it completed), and the min–max over seeds of the mean over tables.
    /// </summary>
    private static List<object> Summarize(IEnumerable<DetectorInfo> detectors, IReadOnlyList<TableResult> results, IReadOnlyList<int> seeds) =>
        detectors.Select(d =>
        {
            var failed = results.Where(t => TableMean(t, d.Id, r => r.RocAuc) is null).Select(t => t.Name).ToList();
            var completed = results.Where(t => !failed.Contains(t.Name)).ToList();
            object Statistic(Func<DetectorRun, double> value)
            {
                var perTable = completed.Select(t => TableMean(t, d.Id, value)!.Value).ToList();
                var perSeed = seeds.Select(s => completed.Select(t => t.Runs.Where(r => r.Detector == d.Id && r.Seed == s).Select(value).Average()).DefaultIfEmpty(double.NaN).Average()).ToList();
                return new
                {
                    mean = failed.Count == 0 && perTable.Count > 0 ? perTable.Average() : (double?)null,
                    meanOverCompletedTables = perTable.Count > 0 ? perTable.Average() : (double?)null,
                    minOverSeeds = perSeed.Min(),
                    maxOverSeeds = perSeed.Max(),
                };
            }
            return (object)new { detector = d.Id, name = d.Name, seeded = d.Seeded, failedTables = failed, rocAuc = Statistic(r => r.RocAuc), averagePrecision = Statistic(r => r.AveragePrecision) };
        }).ToList();

    /// <summary>Ours minus IsolationForest and minus kNN per table (ROC-AUC, mean over seeds), and the worst table against IsolationForest.</summary>
    private static object Compare(IReadOnlyList<TableResult> results)
    {
        var perTable = results.Select(t =>
        {
            var ours = TableMean(t, "autoencoder", r => r.RocAuc);
            var forest = TableMean(t, ScikitLearnDetectors.IsolationForest, r => r.RocAuc);
            var knn = TableMean(t, ScikitLearnDetectors.NearestNeighbourDistance, r => r.RocAuc);
            return new { table = t.Name, oursMinusIsolationForest = ours - forest, oursMinusKnn = ours - knn };
        }).ToList();
        var worst = perTable.Where(p => p.oursMinusIsolationForest is not null).OrderBy(p => p.oursMinusIsolationForest).FirstOrDefault();
        return new { rocAuc = perTable, worstAgainstIsolationForest = worst };
    }

    private static void PrintTable(IReadOnlyList<DetectorInfo> detectors, TableResult t, int seeds)
    {
        Console.WriteLine(Invariant($"{t.Name}: {t.Rows} rows × {t.Features} features, {t.Anomalies} anomalies ({100.0 * t.Anomalies / t.Rows:F1} %), PCA rank {t.PcaRank}; {t.Description}"));
        Console.WriteLine($"| detector | ROC-AUC mean (min–max over {seeds} seeds) | AP mean (min–max) | fit s (median) |");
        foreach (var d in detectors)
        {
            var runs = t.Runs.Where(r => r.Detector == d.Id).ToList();
            var failures = t.Failures.Count(f => f.Detector == d.Id);
            if (runs.Count == 0)
            {
                Console.WriteLine($"| {d.Id} | failed ({t.Failures.First(f => f.Detector == d.Id).Error}) | | |");
                continue;
            }
            Console.WriteLine(Invariant($"| {d.Id} | {runs.Average(r => r.RocAuc):F4} ({runs.Min(r => r.RocAuc):F4}–{runs.Max(r => r.RocAuc):F4}) | {runs.Average(r => r.AveragePrecision):F4} ({runs.Min(r => r.AveragePrecision):F4}–{runs.Max(r => r.AveragePrecision):F4}) | {Median(runs.Select(r => r.FitSeconds)):F2}{(failures > 0 ? $" ({failures} seeds failed)" : "")} |"));
        }
    }

    private static void PrintSummary(IReadOnlyList<DetectorInfo> detectors, List<object> summary, object comparisons)
    {
        Console.WriteLine();
        Console.WriteLine("Summary (mean over tables of each table's mean over seeds):");
        var json = JsonSerializer.Serialize(new { summary, comparisons }, RunRecord.JsonOptions);
        using var document = JsonDocument.Parse(json);
        Console.WriteLine("| detector | ROC-AUC | AP | failed tables |");
        foreach (var d in document.RootElement.GetProperty("summary").EnumerateArray())
        {
            string Value(string metric)
            {
                var m = d.GetProperty(metric);
                return m.TryGetProperty("mean", out var mean)
                    ? mean.GetDouble().ToString("F4", CultureInfo.InvariantCulture)
                    : m.TryGetProperty("meanOverCompletedTables", out var partial) ? "(" + partial.GetDouble().ToString("F4", CultureInfo.InvariantCulture) + " over completed)" : "—";
            }
            Console.WriteLine($"| {d.GetProperty("detector").GetString()} | {Value("rocAuc")} | {Value("averagePrecision")} | {string.Join(", ", d.GetProperty("failedTables").EnumerateArray().Select(e => e.GetString()))} |");
        }
        Console.WriteLine("| table | ours − IsolationForest | ours − kNN |");
        var compared = document.RootElement.GetProperty("comparisons");
        foreach (var t in compared.GetProperty("rocAuc").EnumerateArray())
        {
            static string Signed(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetDouble().ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture) : "—";
            Console.WriteLine($"| {t.GetProperty("table").GetString()} | {Signed(t, "oursMinusIsolationForest")} | {Signed(t, "oursMinusKnn")} |");
        }
        if (compared.TryGetProperty("worstAgainstIsolationForest", out var worst))
            Console.WriteLine($"Worst table against IsolationForest: {worst.GetProperty("table").GetString()} ({worst.GetProperty("oursMinusIsolationForest").GetDouble().ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture)})");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
