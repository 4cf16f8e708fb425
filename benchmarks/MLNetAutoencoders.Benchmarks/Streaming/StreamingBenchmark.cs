using System.Diagnostics;
using Microsoft.ML;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.SampleData;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// Issue 16, training beyond memory and on every core, on the library's default network for 784 features:
/// <list type="bullet">
/// <item><c>memory</c>: one streaming epoch over a lazily generated view (<see cref="ShiftedFashionMnistView"/>, 10M
/// rows by default) in a child process: its peak resident memory (target &lt; 2 GB) and rows/s.</item>
/// <item><c>throughput</c>: streaming against in-memory training on the same rows (generated once into memory),
/// steady samples/s in paired repeats, the order rotating (target ratio ≥ 0.8).</item>
/// <item><c>quality</c>: per seed, streaming and in-memory training on the same first rows of the view for the same
/// epochs; the test MSE on the Fashion-MNIST test set, equal within noise (<see cref="QualityBand"/>).</item>
/// <item><c>csv</c>: the view's rows written to a multi-GB CSV, one streaming epoch through TextLoader in a child
/// process: peak resident memory (the same 2 GB target) and rows/s.</item>
/// <item><c>threads</c>: streaming samples/s at NumberOfThreads 2 against 1 (informational).</item>
/// </list>
/// </summary>
internal static class StreamingBenchmark
{
    /// <summary>Peak resident memory of a streaming epoch, MB (2^20 bytes): issue 16's "&lt; 2 GB".</summary>
    public const double PeakTargetMegabytes = 2048;

    /// <summary>Streaming over in-memory samples/s.</summary>
    public const double ThroughputTarget = 0.8;

    /// <summary>"Equal within noise": every seed's streaming test MSE within ±3 % of the in-memory one's (the quality benchmark's tolerance).</summary>
    public static readonly (double Low, double High) QualityBand = (0.97, 1.03);

    /// <summary>The options every Fit here uses: the defaults (784-256-128-32, ReLU, MSE, Adam 1e-3, batch 256) with a sigmoid output.</summary>
    public static AutoencoderOptions Options(TrainingDataMode mode, int epochs, int seed, int poolRows, int threads, IProgress<AutoencoderTrainingProgress>? progress = null) => new()
    {
        OutputActivation = Activation.Sigmoid,
        NumberOfEpochs = epochs,
        Seed = seed,
        DataMode = mode,
        ShufflePoolRows = poolRows,
        NumberOfThreads = threads,
        Progress = progress,
    };

    public static int Run(string[] args)
    {
        if (args is ["-h" or "--help"])
        {
            Console.WriteLine(StreamingSettings.Usage);
            return 0;
        }
        var settings = StreamingSettings.Parse(args);
        TorchRuntime.EnsureLoaded();
        Console.WriteLine($"Streaming (issue 16): parts {string.Join(", ", settings.Parts)}; {Environment.ProcessorCount} logical cores, load average {RunRecord.LoadAverage()}");
        var train = FashionMnist.Load(FashionMnistSplitName.Train);
        Console.WriteLine($"Data: {train.Source}");
        if (train.IsEmbeddedSubset)
            Console.WriteLine("WARNING: the full Fashion-MNIST is not installed (apt-get install -y dataset-fashion-mnist): rows repeat the 5,000 embedded images.");

        string? csvDirectory = null;
        long csvBytes = 0;
        var csvView = new ShiftedFashionMnistView(train.Pixels, settings.CsvRows);
        if (settings.Runs("csv"))
        {
            // Refused before any part runs, not after an hour of them.
            csvDirectory = Path.Combine(Path.GetTempPath(), $"mlnet-autoencoders-streaming-{Environment.ProcessId}");
            csvBytes = CsvRows.EstimateBytes(csvView, settings.CsvRows);
            CsvRows.RequireRoom(Path.GetTempPath(), csvBytes);
        }

        var report = new Report("streaming", settings.Arguments);
        report.Details["settings"] = new
        {
            parts = settings.Parts, rows = settings.Rows, throughputRows = settings.ThroughputRows, epochs = settings.Epochs, repeats = settings.Repeats,
            qualityRows = settings.QualityRows, qualityEpochs = settings.QualityEpochs, seeds = Enumerable.Range(1, settings.Seeds).ToArray(),
            csvRows = settings.CsvRows, shufflePoolRows = settings.PoolRows, numberOfThreads = settings.Threads,
            network = "784 -> [256, 128] -> 32 (the defaults), ReLU, sigmoid output, MSE, Adam 1e-3, batch 256",
            view = $"Fashion-MNIST training image i mod {csvView.SourceCount:N0}, shifted by up to {csvView.MaxShift} pixels each way, Gaussian noise sigma {csvView.NoiseLevel}, clamped to [0, 1]",
        };

        if (settings.Runs("memory"))
            Memory(settings, train, report);
        FashionMnistSplit? rows = settings.Runs("throughput") || settings.Runs("threads") ? Materialize(train, settings.ThroughputRows) : null;
        if (settings.Runs("throughput"))
            Throughput(settings, rows!, report);
        if (settings.Runs("quality"))
            Quality(settings, train, report);
        if (csvDirectory is not null)
            Csv(settings, csvView, csvBytes, csvDirectory, report);
        if (settings.Runs("threads"))
            Threads(settings, rows!, report);
        report.Finish(settings.Results);
        return 0;
    }

    private static void Memory(StreamingSettings settings, FashionMnistSplit train, Report report)
    {
        Console.WriteLine($"Memory: one streaming epoch over {settings.Rows:N0} generated rows ({settings.Rows * ShiftedFashionMnistView.Features * 4 / 1e9:F1} GB as floats), in a child process...");
        var child = StreamingChild.Launch("memory", settings.Rows.ToString(), settings.PoolRows.ToString(), settings.Threads.ToString());
        report.Add(Measurement.Samples("Memory", $"peak resident memory MB (VmHWM), one streaming epoch over {settings.Rows:N0} generated rows",
            [child.PeakMegabytes], target: Target.AtMost(PeakTargetMegabytes),
            note: $"one run in a child process; resident {child.ResidentBeforeFitMegabytes:F0} MB before Fit (runtime, libtorch, the 60,000 source images); {child.StreamingLog}"));
        report.Add(Measurement.Samples("Memory", "training rows/s, one streaming epoch, rows generated as read", [child.RowsPerSecond],
            note: $"{child.RowsRead:N0} rows read in {child.Seconds:F0} s; test MSE of the model {child.TestMse:F5}; informational"));
        report.Add(Measurement.Samples("Memory", "rows/s the view generates alone (no training, one thread)", [GenerationRowsPerSecond(train, settings.Rows)],
            note: "informational: the view's own share of the streaming epoch's time"));
    }

    /// <summary>Rows/s of <see cref="ShiftedFashionMnistView.Generate"/> over the view's first rows (at most 50,000).</summary>
    private static double GenerationRowsPerSecond(FashionMnistSplit train, long rows)
    {
        var view = new ShiftedFashionMnistView(train.Pixels, rows);
        var values = new float[ShiftedFashionMnistView.Features];
        var count = Math.Min(rows, 50_000);
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < count; i++)
            view.Generate(i, values);
        return count / clock.Elapsed.TotalSeconds;
    }

    private static void Csv(StreamingSettings settings, ShiftedFashionMnistView view, long estimatedBytes, string directory, Report report)
    {
        Directory.CreateDirectory(directory);
        try
        {
            var path = Path.Combine(directory, "rows.csv");
            Console.WriteLine($"CSV: writing {settings.CsvRows:N0} rows (about {estimatedBytes / 1e9:F2} GB) to {path}...");
            var clock = Stopwatch.StartNew();
            var bytes = CsvRows.Write(view, settings.CsvRows, path);
            var writeSeconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"  {bytes / 1e9:F2} GB in {writeSeconds:F0} s; one streaming epoch through TextLoader, in a child process...");
            var child = StreamingChild.Launch("csv", path, settings.PoolRows.ToString(), settings.Threads.ToString());
            if (child.RowsRead != settings.CsvRows)
                throw new InvalidOperationException($"TextLoader gave {child.RowsRead:N0} rows; the CSV holds {settings.CsvRows:N0}.");
            report.Add(Measurement.Samples("CSV", $"peak resident memory MB (VmHWM), one streaming epoch through TextLoader over a {bytes / 1e9:F2} GB CSV",
                [child.PeakMegabytes], target: Target.AtMost(PeakTargetMegabytes),
                note: $"one run in a child process; {settings.CsvRows:N0} rows written in {writeSeconds:F0} s; resident {child.ResidentBeforeFitMegabytes:F0} MB before Fit; {child.StreamingLog}"));
            report.Add(Measurement.Samples("CSV", "training rows/s, one streaming epoch through TextLoader", [child.RowsPerSecond],
                note: $"{child.RowsRead:N0} rows read in {child.Seconds:F0} s; test MSE of the model {child.TestMse:F5}; informational"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The first <paramref name="rows"/> rows of the view (seed 1) in memory, as a Fashion-MNIST split (its view can shuffle).</summary>
    private static FashionMnistSplit Materialize(FashionMnistSplit train, int rows)
    {
        if (rows > Array.MaxLength / ShiftedFashionMnistView.Features)
            throw new ArgumentException($"--throughput-rows is at most {Array.MaxLength / ShiftedFashionMnistView.Features:N0}: the rows are one array.");
        var view = new ShiftedFashionMnistView(train.Pixels, rows);
        var pixels = new float[(long)rows * ShiftedFashionMnistView.Features];
        var labels = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            view.Generate(i, pixels.AsSpan(i * ShiftedFashionMnistView.Features, ShiftedFashionMnistView.Features));
            labels[i] = train.Labels[view.SourceImage(i)];
        }
        return new FashionMnistSplit(FashionMnistSplitName.Train, pixels, labels, $"{rows:N0} generated rows", isEmbeddedSubset: false);
    }

    /// <summary>
    /// Streaming against in-memory training, paired per repeat in an ABBA order (streaming, in memory, in memory,
    /// streaming; the next repeat starts with in memory): a drift of the machine's speed within a repeat then weighs on
    /// both sides alike. Each side's figure is its two Fits' samples over their summed seconds.
    /// </summary>
    private static void Throughput(StreamingSettings settings, FashionMnistSplit rows, Report report)
    {
        var ml = new MLContext(seed: 1);
        var data = rows.ToDataView(ml);
        Console.WriteLine($"Throughput: streaming vs in memory, {settings.Epochs} epochs over the same {rows.Count:N0} rows (in memory), {settings.Repeats} paired repeats, each two Fits per side in ABBA order...");
        var steady = new List<Pair>();
        var wall = new List<Pair>();
        for (var r = 0; r < settings.Repeats; r++)
        {
            var streaming = new List<(double Steady, double Wall, double Foreign)>();
            var inMemory = new List<(double Steady, double Wall, double Foreign)>();
            foreach (var isStreaming in r % 2 == 0 ? new[] { true, false, false, true } : new[] { false, true, true, false })
            {
                if (isStreaming)
                    streaming.Add(Time("Fit, streaming", ml, data, rows.Count, Options(TrainingDataMode.Streaming, settings.Epochs, 1, settings.PoolRows, settings.Threads)));
                else
                    inMemory.Add(Time("Fit, in memory", ml, data, rows.Count, Options(TrainingDataMode.InMemory, settings.Epochs, 1, settings.PoolRows, settings.Threads)));
            }
            var label = $"repeat {r + 1}";
            var foreign = streaming.Concat(inMemory).Max(t => t.Foreign);
            var (streamingSteady, inMemorySteady) = (Report.Pooled(streaming.Select(t => t.Steady)), Report.Pooled(inMemory.Select(t => t.Steady)));
            steady.Add(new Pair(streamingSteady, inMemorySteady, label, foreign, RunRecord.LoadAverage()));
            wall.Add(new Pair(Report.Pooled(streaming.Select(t => t.Wall)), Report.Pooled(inMemory.Select(t => t.Wall)), label, foreign, RunRecord.LoadAverage()));
            Console.WriteLine($"  {label}: streaming {streamingSteady:N0} samples/s steady ({string.Join(", ", streaming.Select(t => t.Steady.ToString("N0")))}), " +
                              $"in memory {inMemorySteady:N0} ({string.Join(", ", inMemory.Select(t => t.Steady.ToString("N0")))}); ratio {streamingSteady / inMemorySteady:F3}; other processes {foreign:F2} cores");
        }
        report.Add(Measurement.Paired("Fit, streaming", $"training samples/s (epochs 2..{settings.Epochs}) over {rows.Count:N0} rows", "in-memory training, same network and rows",
            steady, Target.AtLeast(ThroughputTarget), minimumSamples: Verdict.MinimumRepeats,
            note: $"DataMode Streaming (ShufflePoolRows {settings.PoolRows:N0}; the rows' view can shuffle) vs InMemory; {settings.Threads} threads; per repeat two Fits a side in ABBA order, pooled"));
        report.Add(Measurement.Paired("Fit, streaming", $"Fit() wall samples/s ({settings.Epochs} epochs, reading included)", "in-memory Fit() wall", wall,
            note: "informational: in memory reads the rows once, streaming every epoch"));
    }

    private static (double Steady, double Wall, double Foreign) Time(string what, MLContext ml, IDataView data, int rows, AutoencoderOptions options)
    {
        var clock = new EpochClock(echo: false);
        options.Progress = clock;
        var wall = Stopwatch.StartNew();
        var (seconds, foreign) = Contention.Sample(what, () =>
        {
            clock.Reports.Clear();
            wall.Restart();
            ml.Transforms.Autoencoder(options).Fit(data).Dispose();
            return wall.Elapsed.TotalSeconds;
        });
        return (clock.SteadySamplesPerSecond(rows), rows * (double)options.NumberOfEpochs / seconds, foreign);
    }

    private static void Quality(StreamingSettings settings, FashionMnistSplit train, Report report)
    {
        var ml = new MLContext(seed: 1);
        var data = new ShiftedFashionMnistView(train.Pixels, settings.QualityRows);
        Console.WriteLine($"Quality: per seed, streaming and in-memory training, {settings.QualityEpochs} epochs on the first {settings.QualityRows:N0} generated rows; test MSE on Fashion-MNIST's test set...");
        var pairs = new List<Pair>();
        for (var seed = 1; seed <= settings.Seeds; seed++)
        {
            double streaming = 0, inMemory = 0;
            for (var side = 0; side < 2; side++)
            {
                var isStreaming = (side + seed) % 2 == 0;
                var clock = Stopwatch.StartNew();
                using var model = ml.Transforms.Autoencoder(Options(isStreaming ? TrainingDataMode.Streaming : TrainingDataMode.InMemory,
                    settings.QualityEpochs, seed, settings.PoolRows, settings.Threads)).Fit(data);
                var mse = TestMse(ml, model);
                Console.WriteLine($"  seed {seed}: {(isStreaming ? "streaming" : "in memory")} test MSE {mse:F5} ({clock.Elapsed.TotalSeconds:F0} s)");
                if (isStreaming)
                    streaming = mse;
                else
                    inMemory = mse;
            }
            pairs.Add(new Pair(streaming, inMemory, $"seed {seed}"));
        }
        var ratios = pairs.Select(p => p.Ratio).ToArray();
        var inside = ratios.Count(r => r >= QualityBand.Low && r <= QualityBand.High);
        var verdict = ratios.Length < Verdict.MinimumSeeds || (inside > 0 && inside < ratios.Length) ? Verdict.Inconclusive
            : inside == ratios.Length ? Verdict.Pass : Verdict.Fail;
        var spread = pairs.Max(p => p.Reference) / pairs.Min(p => p.Reference) - 1;
        var note = $"PASS when every seed's ratio is within the band, FAIL when none is; the in-memory MSE varies by {spread:P1} over the seeds" +
                   (ratios.Length < Verdict.MinimumSeeds ? $"; fewer than {Verdict.MinimumSeeds} seeds: no verdict" : "");
        report.Add(Measurement.Paired("Quality", $"test MSE after {settings.QualityEpochs} epochs on {settings.QualityRows:N0} rows, streaming (lower is better)",
            "in-memory training, same seed", pairs, note: note) with
        {
            Target = $"ratio in [{QualityBand.Low:F2}, {QualityBand.High:F2}]",
            Verdict = verdict,
        });
    }

    private static void Threads(StreamingSettings settings, FashionMnistSplit rows, Report report)
    {
        var ml = new MLContext(seed: 1);
        var data = rows.ToDataView(ml);
        Console.WriteLine($"Threads: streaming samples/s at NumberOfThreads 2 and 1, {settings.Epochs} epochs over the same {rows.Count:N0} rows, {settings.Repeats} paired repeats...");
        var pairs = new List<Pair>();
        for (var r = 0; r < settings.Repeats; r++)
        {
            (double Steady, double Wall, double Foreign) two = default, one = default;
            for (var side = 0; side < 2; side++)
            {
                if ((side + r) % 2 == 0)
                    two = Time("Fit, 2 threads", ml, data, rows.Count, Options(TrainingDataMode.Streaming, settings.Epochs, 1, settings.PoolRows, 2));
                else
                    one = Time("Fit, 1 thread", ml, data, rows.Count, Options(TrainingDataMode.Streaming, settings.Epochs, 1, settings.PoolRows, 1));
            }
            pairs.Add(new Pair(two.Steady, one.Steady, $"repeat {r + 1}", Math.Max(two.Foreign, one.Foreign), RunRecord.LoadAverage()));
            Console.WriteLine($"  repeat {r + 1}: 2 threads {two.Steady:N0} samples/s, 1 thread {one.Steady:N0} (ratio {two.Steady / one.Steady:F3})");
        }
        report.Add(Measurement.Paired("Threads", $"streaming training samples/s at NumberOfThreads 2 (epochs 2..{settings.Epochs})", "NumberOfThreads 1", pairs,
            note: $"informational; {Environment.ProcessorCount} logical cores"));
    }

    /// <summary>The model's mean ReconstructionError over the 10,000 Fashion-MNIST test images.</summary>
    public static double TestMse(MLContext ml, ITransformer model)
    {
        var test = FashionMnist.Load(FashionMnistSplitName.Test).ToDataView(ml);
        return QualityBenchmark.ReadScalar(model.Transform(test), "ReconstructionError").Average(e => (double)e);
    }
}
