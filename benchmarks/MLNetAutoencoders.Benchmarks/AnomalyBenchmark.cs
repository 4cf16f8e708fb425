using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.SampleData;
using TorchSharp;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// The autoencoder anomaly detector against ML.NET's RandomizedPca, measured in the same run:
/// <list type="bullet">
/// <item><c>fmnist</c>: the one-class protocol of the deep one-class literature (Ruff et al. 2018): for each Fashion-MNIST
/// class, train on that class's 6,000 training images only and score the 10,000 test images, that class normal and the
/// nine others anomalies; ROC-AUC per class and the mean. Target: mean AUC ≥ 0.917 (scikit-learn's IsolationForest on
/// this protocol) with the detector's default settings.</item>
/// <item><c>tabular</c>: Wisconsin diagnostic breast cancer (569 rows, 30 features on very different scales, from the
/// python3-sklearn package): train on benign tumours only, score held-out benign and all malignant ones; five random splits.</item>
/// <item><c>throughput</c>: scoring rows/s of the detector (batched), the embedding transform on the same network, and
/// ML.NET's AnomalyPredictionTransformer over the same model (per-row). Target: detector ≥ 90% of the embedding transform.</item>
/// </list>
/// </summary>
public static class AnomalyBenchmark
{
    private const string Usage = """
        Usage: anomaly <fmnist|tabular|throughput|all> [options]
          --classes 0,1,...   fmnist: the normal classes to run (default all ten)
          --seed N            seed of the detectors, PCA and splits (default 1)
          --pca-rank N        RandomizedPca rank (default 20 for fmnist, 5 for tabular)
          --rows N            throughput: rows scored per measurement (default 50,000: the test set repeated)
          --repeats N         throughput: repeats; medians are reported (default 5)
          --threads N         torch.set_num_threads (default: leave as set)
          --results DIR       where anomaly-*.md/json go (default: benchmarks/results of this repository)
        Detector overrides (default: the detector's defaults; reported results use none):
          --kind K  --latent N  --hidden a,b  --epochs N  --batch N  --lr X  --no-standardize  --vae-score S
        """;

    /// <summary>Runs the benchmark named by <c>args[0]</c> with the options that follow.</summary>
    public static void Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return;
        }
        var settings = Settings.Parse(args);
        TorchRuntime.EnsureLoaded();
        if (settings.Threads is { } threads)
            torch.set_num_threads(threads);
#if DEBUG
        Console.WriteLine("WARNING: a Debug build; run with -c Release for figures worth reporting.");
#endif
        Console.WriteLine($"anomaly {string.Join(' ', args)}: torch threads {torch.get_num_threads()}, {Environment.ProcessorCount} logical cores, " +
                          $"load average {LoadAverage()}, detector {settings.Describe()}");
        switch (args[0])
        {
            case "fmnist": FashionMnistOneClass(settings); break;
            case "tabular": BreastCancer(settings); break;
            case "throughput": Throughput(settings); break;
            case "all":
                FashionMnistOneClass(settings);
                BreastCancer(settings);
                Throughput(settings);
                break;
            default: throw new ArgumentException($"Unknown anomaly benchmark '{args[0]}'.\n{Usage}");
        }
    }

    private static void FashionMnistOneClass(Settings settings)
    {
        var train = FashionMnist.Load(FashionMnistSplitName.Train);
        var test = FashionMnist.Load(FashionMnistSplitName.Test);
        Console.WriteLine($"Data: {train.Source}; {test.Source}");
        if (train.IsEmbeddedSubset)
            Console.WriteLine("WARNING: the full Fashion-MNIST is not installed (apt-get install -y dataset-fashion-mnist): figures are for the embedded subset.");
        var pcaRank = settings.PcaRank ?? 20;
        var results = new List<ClassResult>();
        Console.WriteLine("| Normal class | Autoencoder AUC | RandomizedPca AUC | Autoencoder fit s | Scoring s |");
        foreach (var normal in settings.Classes)
        {
            var ml = new MLContext(seed: settings.Seed);
            var trainView = train.OfClass(normal).ToDataView(ml);
            var testView = OneClassLabels(test, normal).ToDataView(ml);

            var clock = Stopwatch.StartNew();
            using var detector = ml.AnomalyDetection.Trainers.Autoencoder(settings.Detector()).Fit(trainView);
            var fitSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var ours = ml.AnomalyDetection.Evaluate(detector.Transform(testView)).AreaUnderRocCurve;
            var scoreSeconds = clock.Elapsed.TotalSeconds;
            var pca = ml.AnomalyDetection.Trainers.RandomizedPca(rank: pcaRank, seed: settings.Seed).Fit(trainView);
            var linear = ml.AnomalyDetection.Evaluate(pca.Transform(testView)).AreaUnderRocCurve;

            results.Add(new ClassResult(normal, FashionMnist.ClassNames[normal], ours, linear, fitSeconds, scoreSeconds));
            Console.WriteLine(Invariant($"| {normal} {FashionMnist.ClassNames[normal]} | {ours:F4} | {linear:F4} | {fitSeconds:F1} | {scoreSeconds:F2} |"));
        }
        var mean = results.Average(r => r.Autoencoder);
        var pcaMean = results.Average(r => r.RandomizedPca);
        Console.WriteLine(Invariant($"| mean | {mean:F4} | {pcaMean:F4} | {results.Average(r => r.FitSeconds):F1} | |"));
        Console.WriteLine(Invariant($"Target: autoencoder mean AUC ≥ 0.917 (IsolationForest): {(mean >= 0.917 ? "PASS" : "FAIL")}"));
        settings.Write("anomaly-fmnist", FashionMnistMarkdown(settings, results, pcaRank, train.IsEmbeddedSubset),
            new { protocol = "one-class: train on one class, score the test set", pcaRank, meanAutoencoder = mean, meanRandomizedPca = pcaMean, classes = results });
    }

    private static string FashionMnistMarkdown(Settings settings, List<ClassResult> results, int pcaRank, bool subset)
    {
        var md = new StringBuilder();
        md.AppendLine("# Fashion-MNIST one-class anomaly detection");
        md.AppendLine();
        md.AppendLine("For each class: train on that class's training images only (6,000), score the 10,000 test images with that class");
        md.AppendLine("normal and the other nine anomalies, ROC-AUC from `mlContext.AnomalyDetection.Evaluate`. Both detectors in the same");
        md.AppendLine(Invariant($"run: the autoencoder detector ({settings.Describe()}) and ML.NET's RandomizedPca (rank {pcaRank}, seed {settings.Seed})."));
        if (subset)
            md.AppendLine("**The embedded subset was used: not comparable with the full-data figures.**");
        md.AppendLine();
        md.AppendLine($"    {settings.CommandLine}");
        md.AppendLine();
        md.AppendLine(Invariant($"{DateTimeOffset.Now:yyyy-MM-dd HH:mm}, {Environment.ProcessorCount} logical cores, torch threads {torch.get_num_threads()}, load average {LoadAverage()}."));
        md.AppendLine();
        md.AppendLine("| Normal class | Autoencoder AUC | RandomizedPca AUC | Autoencoder fit (s) | Scoring 10,000 rows (s) |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var r in results)
            md.AppendLine(Invariant($"| {r.Class} {r.Name} | {r.Autoencoder:F4} | {r.RandomizedPca:F4} | {r.FitSeconds:F1} | {r.ScoreSeconds:F2} |"));
        md.AppendLine(Invariant($"| **mean** | **{results.Average(r => r.Autoencoder):F4}** | **{results.Average(r => r.RandomizedPca):F4}** | {results.Average(r => r.FitSeconds):F1} | |"));
        md.AppendLine();
        md.AppendLine("Reference points on this protocol (scikit-learn, same data): IsolationForest 0.917 (the target), PCA reconstruction");
        md.AppendLine("error with 20 components 0.903. RandomizedPca scores a normalized residual, far below plain PCA reconstruction error.");
        return md.ToString();
    }

    /// <summary>
    /// Wisconsin diagnostic breast cancer: benign tumours are normal. Each split trains on 250 random benign rows and
    /// scores the other 107 benign and all 212 malignant rows. Features span five orders of magnitude (area ~1,000,
    /// fractal dimension ~0.06): what standardization inside the detector is for.
    /// </summary>
    private static void BreastCancer(Settings settings)
    {
        const string path = "/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv";
        if (!File.Exists(path))
        {
            Console.WriteLine($"tabular: {path} not found: apt-get install -y python3-sklearn (the data set ships with it). Skipped.");
            return;
        }
        var lines = File.ReadAllLines(path).Skip(1).Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var rows = lines.Select(l => l[..30]).ToArray();
        var malignant = lines.Select(l => l[30] == 0).ToArray();
        var pcaRank = settings.PcaRank ?? 5;
        var splits = new List<SplitResult>();
        Console.WriteLine("| Split | Autoencoder AUC | RandomizedPca AUC | NormalizeMeanVariance + RandomizedPca AUC |");
        for (var split = 0; split < 5; split++)
        {
            var benign = Enumerable.Range(0, rows.Length).Where(i => !malignant[i]).ToArray();
            new Random(settings.Seed + split).Shuffle(benign);
            var trainRows = benign.Take(250).ToHashSet();
            var testRows = Enumerable.Range(0, rows.Length).Where(i => !trainRows.Contains(i)).ToArray();
            var ml = new MLContext(seed: settings.Seed + split);
            var train = Tabular(ml, trainRows.Select(i => rows[i]), trainRows.Select(_ => 0f));
            var test = Tabular(ml, testRows.Select(i => rows[i]), testRows.Select(i => malignant[i] ? 1f : 0f));

            using var detector = ml.AnomalyDetection.Trainers.Autoencoder(settings.Detector()).Fit(train);
            var ours = ml.AnomalyDetection.Evaluate(detector.Transform(test)).AreaUnderRocCurve;
            var pca = ml.AnomalyDetection.Trainers.RandomizedPca(rank: pcaRank, seed: settings.Seed).Fit(train);
            var linear = ml.AnomalyDetection.Evaluate(pca.Transform(test)).AreaUnderRocCurve;
            var normalizedPca = ml.Transforms.NormalizeMeanVariance("Features")
                .Append(ml.AnomalyDetection.Trainers.RandomizedPca(rank: pcaRank, seed: settings.Seed)).Fit(train);
            var normalizedLinear = ml.AnomalyDetection.Evaluate(normalizedPca.Transform(test)).AreaUnderRocCurve;
            splits.Add(new SplitResult(split, ours, linear, normalizedLinear));
            Console.WriteLine(Invariant($"| {split} | {ours:F4} | {linear:F4} | {normalizedLinear:F4} |"));
        }
        string Summary(Func<SplitResult, double> auc)
        {
            var values = splits.Select(auc).ToArray();
            var mean = values.Average();
            return Invariant($"{mean:F4} ± {Math.Sqrt(values.Average(v => (v - mean) * (v - mean))):F4}");
        }
        Console.WriteLine($"| mean ± sd | {Summary(s => s.Autoencoder)} | {Summary(s => s.RandomizedPca)} | {Summary(s => s.NormalizedRandomizedPca)} |");
        settings.Write("anomaly-tabular", null, new
        {
            dataset = "Wisconsin diagnostic breast cancer (UCI); train on 250 benign rows, test on the other 107 benign and 212 malignant",
            pcaRank,
            meanAutoencoder = splits.Average(s => s.Autoencoder),
            meanRandomizedPca = splits.Average(s => s.RandomizedPca),
            meanNormalizedRandomizedPca = splits.Average(s => s.NormalizedRandomizedPca),
            splits,
        });
    }

    /// <summary>
    /// Rows/s through a cursor reading the score columns, on the test set repeated: the detector's batched Transform,
    /// the embedding transform's ReconstructionError on a network of the same architecture, and ML.NET's
    /// AnomalyPredictionTransformer over the same model parameters (ML.NET's per-row scorer).
    /// </summary>
    private static void Throughput(Settings settings)
    {
        var ml = new MLContext(seed: settings.Seed);
        var test = FashionMnist.Load(FashionMnistSplitName.Test);
        var oneEpoch = settings.Detector();
        oneEpoch.Autoencoder.NumberOfEpochs = 1;
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(oneEpoch).Fit(test.OfClass(0).ToDataView(ml));
        var description = detector.Model.Network;
        torch.manual_seed(settings.Seed);
        using var embedding = new AutoencoderEmbeddingTransformer(new AutoencoderNetwork(description),
            new AutoencoderColumns("Features", "Embedding", "Reconstruction", "ReconstructionError"), detector.ScoringBatchSize, [], []);
        var native = detector.ToAnomalyPredictionTransformer();
        var copies = Math.Max(1, settings.Rows / test.Count);
        var pixels = new float[copies * test.Pixels.Length];
        for (var c = 0; c < copies; c++)
            test.Pixels.CopyTo(pixels, c * test.Pixels.Length);
        var view = new FashionMnistSplit(FashionMnistSplitName.Test, pixels, Enumerable.Repeat(test.Labels, copies).SelectMany(l => l).ToArray(),
            test.Source, test.IsEmbeddedSubset).ToDataView(ml);
        var rows = copies * test.Count;

        var candidates = new (string Name, Func<double> RowsPerSecond)[]
        {
            ("detector Transform (Score, PredictedLabel)", () => RowsPerSecond(detector.Transform(view), "Score", "PredictedLabel")),
            ("embedding Transform (ReconstructionError)", () => RowsPerSecond(embedding.Transform(view), "ReconstructionError")),
            ("embedding Transform (Embedding only, no decoder)", () => RowsPerSecond(embedding.Transform(view), "Embedding")),
            ("ML.NET AnomalyPredictionTransformer (Score, PredictedLabel)", () => RowsPerSecond(native.Transform(view), "Score", "PredictedLabel")),
        };
        foreach (var candidate in candidates)
            candidate.RowsPerSecond(); // warm-up
        var samples = candidates.Select(_ => new List<double>()).ToArray();
        for (var r = 0; r < settings.Repeats; r++)
        {
            // Rotate the order so that drift in machine load favours none.
            for (var k = 0; k < candidates.Length; k++)
            {
                var i = (k + r) % candidates.Length;
                samples[i].Add(candidates[i].RowsPerSecond());
            }
            Console.WriteLine($"  repeat {r + 1}: " + string.Join(", ", candidates.Select((c, i) => Invariant($"{c.Name} {samples[i][^1]:N0}"))));
        }
        var medians = samples.Select(Median).ToArray();
        var ratio = medians[0] / medians[1];
        Console.WriteLine($"Network {description.InputSize}-[{string.Join(", ", description.HiddenSizes)}]-{description.LatentSize}, {rows:N0} rows, batch {detector.ScoringBatchSize}, median of {settings.Repeats}:");
        Console.WriteLine("| Scoring path | rows/s | vs embedding (ReconstructionError) |");
        Console.WriteLine("|---|---:|---:|");
        for (var i = 0; i < candidates.Length; i++)
            Console.WriteLine(Invariant($"| {candidates[i].Name} | {medians[i]:N0} | {medians[i] / medians[1]:F3} |"));
        Console.WriteLine(Invariant($"Target: detector ≥ 0.90 x embedding transform: {ratio:F3} {(ratio >= 0.9 ? "PASS" : "FAIL")}"));
        settings.Write("anomaly-throughput", null, new
        {
            network = $"{description.InputSize}-[{string.Join(", ", description.HiddenSizes)}]-{description.LatentSize}",
            rows,
            batch = detector.ScoringBatchSize,
            paths = candidates.Select((c, i) => new { name = c.Name, medianRowsPerSecond = medians[i], samples = samples[i] }),
            detectorOverEmbedding = ratio,
        });
    }

    private static double RowsPerSecond(IDataView scored, params string[] columns)
    {
        var clock = Stopwatch.StartNew();
        var active = columns.Select(c => scored.Schema[c]).ToArray();
        using var cursor = scored.GetRowCursor(active);
        var readers = active.Select(c => c.Type is BooleanDataViewType ? Reader<bool>(cursor, c) : c.Type is VectorDataViewType ? Reader<VBuffer<float>>(cursor, c) : Reader<float>(cursor, c)).ToArray();
        long rows = 0;
        while (cursor.MoveNext())
        {
            foreach (var read in readers)
                read();
            rows++;
        }
        return rows / clock.Elapsed.TotalSeconds;
    }

    private static Action Reader<T>(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<T>(column);
        T value = default!;
        return () => getter(ref value);
    }

    /// <summary>The split with Label 0 for <paramref name="normal"/> and 1 for every other class (Evaluate: label &gt; 0 is an anomaly).</summary>
    private static FashionMnistSplit OneClassLabels(FashionMnistSplit split, int normal) =>
        new(split.Split, split.Pixels, split.Labels.Select(l => l == normal ? 0 : 1).ToArray(), split.Source, split.IsEmbeddedSubset);

    private static IDataView Tabular(MLContext ml, IEnumerable<float[]> rows, IEnumerable<float> labels)
    {
        var definition = SchemaDefinition.Create(typeof(TabularRow));
        definition[nameof(TabularRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 30);
        return ml.Data.LoadFromEnumerable(rows.Zip(labels, (f, l) => new TabularRow { Features = f, Label = l }).ToList(), definition);
    }

    private sealed class TabularRow
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    private sealed record ClassResult(int Class, string Name, double Autoencoder, double RandomizedPca, double FitSeconds, double ScoreSeconds);

    private sealed record SplitResult(int Split, double Autoencoder, double RandomizedPca, double NormalizedRandomizedPca);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "n/a"; }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The command line: which classes, seeds and output, and any override of the detector's defaults.</summary>
    private sealed class Settings
    {
        private readonly List<Action<AutoencoderAnomalyOptions>> overrides = [];
        private readonly List<string> overrideNames = [];

        public int[] Classes { get; private set; } = Enumerable.Range(0, FashionMnist.ClassCount).ToArray();

        public int Seed { get; private set; } = 1;

        public int? PcaRank { get; private set; }

        public int Rows { get; private set; } = 50_000;

        public int Repeats { get; private set; } = 5;

        public int? Threads { get; private set; }

        public string Results { get; private set; } = DefaultResults();

        public string CommandLine { get; private set; } = "";

        public static Settings Parse(string[] args)
        {
            var s = new Settings { CommandLine = "dotnet run -c Release --project benchmarks/MLNetAutoencoders.Benchmarks -- anomaly " + string.Join(' ', args) };
            for (var i = 1; i < args.Length; i++)
            {
                var option = args[i];
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Missing value after {option}.\n{Usage}");
                int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
                switch (option)
                {
                    case "--classes": s.Classes = Next().Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray(); break;
                    case "--seed": s.Seed = NextInt(); break;
                    case "--pca-rank": s.PcaRank = NextInt(); break;
                    case "--rows": s.Rows = NextInt(); break;
                    case "--repeats": s.Repeats = NextInt(); break;
                    case "--threads": s.Threads = NextInt(); break;
                    case "--results": s.Results = Next(); break;
                    case "--kind": s.Override(option, Enum.Parse<AutoencoderKind>(Next(), ignoreCase: true), (o, v) => o.Autoencoder.Kind = v); break;
                    case "--latent": s.Override(option, NextInt(), (o, v) => o.Autoencoder.LatentDimension = v); break;
                    case "--hidden": s.Override(option, Next().Split(',').Select(int.Parse).ToArray(), (o, v) => o.Autoencoder.HiddenLayerSizes = v); break;
                    case "--epochs": s.Override(option, NextInt(), (o, v) => o.Autoencoder.NumberOfEpochs = v); break;
                    case "--batch": s.Override(option, NextInt(), (o, v) => o.Autoencoder.BatchSize = v); break;
                    case "--lr": s.Override(option, double.Parse(Next(), CultureInfo.InvariantCulture), (o, v) => o.Autoencoder.LearningRate = v); break;
                    case "--no-standardize": s.Override(option, false, (o, v) => o.Standardize = v); break;
                    case "--vae-score": s.Override(option, Enum.Parse<VaeAnomalyScore>(Next(), ignoreCase: true), (o, v) => o.VaeScore = v); break;
                    default: throw new ArgumentException($"Unknown option {option}.\n{Usage}");
                }
            }
            return s;
        }

        /// <summary>The detector's default options with the seed and the overrides applied.</summary>
        public AutoencoderAnomalyOptions Detector()
        {
            var options = new AutoencoderAnomalyOptions();
            options.Autoencoder.Seed = Seed;
            foreach (var apply in overrides)
                apply(options);
            return options;
        }

        public string Describe()
        {
            var o = Detector();
            var a = o.Autoencoder;
            return $"{(overrides.Count == 0 ? "defaults" : "OVERRIDES " + string.Join(' ', overrideNames))}: {a.Kind} {string.Join('-', a.HiddenLayerSizes)}-{a.LatentDimension}, " +
                   Invariant($"{a.HiddenActivation}, {a.NumberOfEpochs} epochs, batch {a.BatchSize}, lr {a.LearningRate}, standardize {o.Standardize}, contamination {o.Contamination}, seed {Seed}");
        }

        /// <summary>Writes <paramref name="name"/>.json (and .md when given) into the results folder; runs with overrides get a suffix.</summary>
        public void Write(string name, string? markdown, object results)
        {
            var file = overrides.Count == 0 && Classes.Length == FashionMnist.ClassCount ? name : name + "-custom";
            Directory.CreateDirectory(Results);
            var document = new { name = file, command = CommandLine, detector = Describe(), started = DateTimeOffset.Now, machine = new { cores = Environment.ProcessorCount, torchThreads = torch.get_num_threads(), loadAverage = LoadAverage() }, results };
            File.WriteAllText(Path.Combine(Results, file + ".json"), JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
            if (markdown is not null)
                File.WriteAllText(Path.Combine(Results, file + ".md"), markdown);
            Console.WriteLine($"Results written to {Path.Combine(Results, file)}.json{(markdown is null ? "" : " and .md")}");
        }

        private void Override<T>(string name, T value, Action<AutoencoderAnomalyOptions, T> apply)
        {
            overrides.Add(o => apply(o, value));
            overrideNames.Add(value is bool ? name : Invariant($"{name} {(value is int[] a ? string.Join(',', a) : value)}"));
        }

        private static string DefaultResults()
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "MLNetAutoencoders.sln")))
                directory = directory.Parent;
            return Path.Combine(directory?.FullName ?? Directory.GetCurrentDirectory(), "benchmarks", "results");
        }
    }
}
