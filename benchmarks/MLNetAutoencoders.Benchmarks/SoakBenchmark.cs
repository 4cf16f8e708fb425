using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Native;
using TorchSharp;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// A long run watched for leaks: trains FMNIST-MLP-32 for many epochs (default 30) recording memory after every epoch,
/// then scores 1,000,000 rows (the test set repeated, streamed, all three output columns read) through
/// <c>Transform</c> recording the same every 100k rows. Recorded: the process working set and private bytes, the GC
/// heap (<c>GC.GetTotalMemory(false)</c>, no forced collection) and TorchSharp's count of live tensors.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 has no process-wide tensor count. It counts per thread
/// (<c>DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount</c>: tensors created on the thread minus
/// those disposed on it); training and the scoring cursor both run on the calling thread here, so that count is
/// the number of tensors our code has created and not yet disposed. A tensor only freed by the GC's finalizer
/// (disposed on the finalizer thread) would stay counted as live: growth would show it either way.
/// </remarks>
internal static class SoakBenchmark
{
    private const string Usage = """
        soak [--epochs N] [--rows N] [--score-rows N] [--threads N] [--results DIR]
          --epochs N       training epochs (default 30)
          --rows N         first N training rows (default: all 60,000)
          --score-rows N   rows to score after training, a multiple of the test set (default 1,000,000)
          --threads N      torch.set_num_threads (default 2)
          --results DIR    where soak.json goes (default benchmarks/results)
        One run per invocation: soak.json records "runs": 1, so a figure from it is one run's.
        """;

    private sealed record Sample(string Phase, long Step, double WorkingSetMB, double PrivateMB, double GcHeapMB, long LiveTensors, double Seconds);

    public static int Run(string[] args)
    {
        var epochs = 30;
        int? rows = null;
        long scoreRows = 1_000_000;
        var threads = 2;
        string? results = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Missing value after {args[i]}.");
            switch (args[i])
            {
                case "--epochs": epochs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--rows": rows = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--score-rows": scoreRows = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--results": results = Next(); break;
                case "-h" or "--help": Console.WriteLine(Usage); return 0;
                default: Console.Error.WriteLine($"Unknown option {args[i]}.\n{Usage}"); return 2;
            }
        }

        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(threads);
        var started = DateTimeOffset.Now;
        var loadAtStart = RunRecord.LoadAverage();
        var data = BenchmarkData.Load(rows);
        var ml = new MLContext(seed: 1);
        var process = Process.GetCurrentProcess();
        var clock = Stopwatch.StartNew();
        var samples = new List<Sample>();
        Sample Take(string phase, long step)
        {
            process.Refresh();
            var s = new Sample(phase, step, process.WorkingSet64 / 1048576.0, process.PrivateMemorySize64 / 1048576.0,
                GC.GetTotalMemory(false) / 1048576.0, LiveTensorsOnThisThread(), clock.Elapsed.TotalSeconds);
            samples.Add(s);
            Console.WriteLine($"  {phase} {step,9:N0}: working set {s.WorkingSetMB,7:F1} MB, private {s.PrivateMB,7:F1} MB, GC heap {s.GcHeapMB,6:F1} MB, " +
                              $"live tensors {s.LiveTensors,4}, {s.Seconds,6:F0} s");
            return s;
        }

        var train = data.Train.ToDataView(ml);
        Console.WriteLine($"Soak: training {epochs} epochs on {data.Train.Count:N0} rows (FMNIST-MLP-32), then scoring {scoreRows:N0} rows; torch threads {torch.get_num_threads()}.");
        Take("train", 0);
        var progress = new SynchronousProgress(p => Take("train", p.Epoch));
        var model = ml.Transforms.Autoencoder(Canonical.Options(epochs, progress: progress)).Fit(train);
        var afterFit = Take("fitted", epochs);
        var fitPeakMB = PeakResidentMB();
        Console.WriteLine($"  peak resident memory (VmHWM) through Fit: {fitPeakMB:F1} MB");

        var repetitions = (int)Math.Max(1, scoreRows / data.Test.Count);
        var source = new RepeatingDataView(data.Test.ToDataView(ml), repetitions);
        var total = (long)repetitions * data.Test.Count;
        var scored = model.Transform(source);
        var columns = new[] { scored.Schema["Embedding"], scored.Schema["Reconstruction"], scored.Schema["ReconstructionError"] };
        Take("score", 0);
        long n = 0;
        double checksum = 0;
        using (var cursor = scored.GetRowCursor(columns))
        {
            var embedding = cursor.GetGetter<VBuffer<float>>(columns[0]);
            var reconstruction = cursor.GetGetter<VBuffer<float>>(columns[1]);
            var error = cursor.GetGetter<float>(columns[2]);
            VBuffer<float> e = default, r = default;
            float err = 0;
            while (cursor.MoveNext())
            {
                embedding(ref e);
                reconstruction(ref r);
                error(ref err);
                checksum += err;
                if (++n % 100_000 == 0)
                    Take("score", n);
            }
        }
        if (n != total)
            throw new InvalidOperationException($"Scored {n} rows, expected {total}.");
        model.Dispose();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var end = Take("disposed", n);

        var trainSeries = samples.Where(s => s.Phase == "train" && s.Step >= 1).ToList();
        var scoreSeries = samples.Where(s => s.Phase == "score" && s.Step >= 100_000).ToList();
        // The allocators (glibc, libtorch's CPU caching) warm up over the first epochs; a leak shows in the second half too.
        var secondHalf = trainSeries.Where(s => s.Step > epochs / 2).ToList();
        var summary = Summarize("training, per epoch (epochs 1..N)", "epoch", trainSeries, s => s.Step)
            .Concat(Summarize($"training, second half (epochs {epochs / 2 + 1}..{epochs})", "epoch", secondHalf, s => s.Step))
            .Concat(Summarize("scoring, per 100k rows (100k..1M)", "100k rows", scoreSeries, s => s.Step / 100_000.0)).ToArray();
        var document = new
        {
            run = RunRecord.Finish(["soak", .. args], started, loadAtStart),
            name = "soak",
            runs = 1,
            settings = new { epochs, trainRows = data.Train.Count, scoreRows = n, threads },
            data = new { train = data.Train.Source, trainRows = data.Train.Count, test = data.Test.Source, scoredRows = n, checksum },
            liveTensorCount = "TorchSharp DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount on the thread that trains and scores (no process-wide count exists in TorchSharp 0.107)",
            summary,
            afterFit,
            fitPeakResidentMB = fitPeakMB,
            afterDispose = end,
            samples,
        };
        var path = RunRecord.Write(results ?? RepositoryPaths.Results, "soak", document);
        Console.WriteLine(ResultsTables.Soak(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!));
        return 0;
    }

    private sealed record SeriesSummary(string Series, string Unit, string Metric, double First, double Last, double Max, double SlopePerUnit);

    private static IEnumerable<SeriesSummary> Summarize(string series, string unit, List<Sample> samples, Func<Sample, double> x)
    {
        if (samples.Count == 0)
            yield break; // e.g. fewer than 100k rows scored
        (string, Func<Sample, double>)[] metrics =
        [
            ("working set MB", s => s.WorkingSetMB),
            ("private bytes MB", s => s.PrivateMB),
            ("GC heap MB", s => s.GcHeapMB),
            ("live tensors", s => s.LiveTensors),
        ];
        foreach (var (metric, y) in metrics)
        {
            var xs = samples.Select(x).ToArray();
            var ys = samples.Select(y).ToArray();
            yield return new SeriesSummary(series, unit, metric, ys[0], ys[^1], ys.Max(), Slope(xs, ys));
        }
    }

    /// <summary>Least-squares slope of y on x.</summary>
    private static double Slope(double[] x, double[] y)
    {
        if (x.Length < 2)
            return 0;
        var mx = x.Average();
        var my = y.Average();
        var sxy = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my));
        var sxx = x.Sum(v => (v - mx) * (v - mx));
        return sxx == 0 ? 0 : sxy / sxx;
    }

    /// <summary>The process's peak resident set (VmHWM) so far, in MB; null off Linux.</summary>
    private static double? PeakResidentMB()
    {
        if (!File.Exists("/proc/self/status"))
            return null;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static long LiveTensorsOnThisThread() => DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;

    private sealed class SynchronousProgress(Action<AutoencoderTrainingProgress> report) : IProgress<AutoencoderTrainingProgress>
    {
        public void Report(AutoencoderTrainingProgress value) => report(value);
    }
}
