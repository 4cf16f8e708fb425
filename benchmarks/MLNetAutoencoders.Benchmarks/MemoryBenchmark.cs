using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// Scores 1,000,000 rows (the 10k test set repeated 100x through <see cref="RepeatingDataView"/>, nothing
/// materialised) reading the embedding, and samples the process's working set and private bytes every 100k rows.
/// </summary>
internal static class MemoryBenchmark
{
    public const int Repetitions = 100;
    public const long SampleEvery = 100_000;
    public const double TargetGrowthMegabytes = 50;

    public static void Run(BenchmarkData data, Report report)
    {
        var ml = new MLContext(seed: 1);
        // The weights do not matter for memory: one epoch on 10k rows gives a model of the canonical shape quickly.
        var trainRows = Math.Min(10_000, data.Train.Count);
        var small = new MLNetAutoencoders.SampleData.FashionMnistSplit(data.Train.Split, data.Train.Pixels.AsSpan(0, trainRows * Canonical.InputSize).ToArray(),
            data.Train.Labels.AsSpan(0, trainRows).ToArray(), data.Train.Source, data.Train.IsEmbeddedSubset);
        using var model = ml.Transforms.Autoencoder(Canonical.Options(1)).Fit(small.ToDataView(ml));
        var source = new RepeatingDataView(data.Test.ToDataView(ml), Repetitions);
        var scored = model.Transform(source);
        var totalRows = data.Test.Count * (long)Repetitions;
        Console.WriteLine($"Memory: scoring {totalRows:N0} rows ({data.Test.Count:N0} test rows x {Repetitions}) through a cursor reading Embedding; sample every {SampleEvery:N0} rows.");

        var process = Process.GetCurrentProcess();
        var samples = new List<(long Rows, double WorkingSetMB, double PrivateMB, double ManagedMB)>();
        void Sample(long rows)
        {
            process.Refresh();
            samples.Add((rows, process.WorkingSet64 / 1048576.0, process.PrivateMemorySize64 / 1048576.0, GC.GetTotalMemory(false) / 1048576.0));
            var s = samples[^1];
            Console.WriteLine($"  {rows,9:N0} rows: working set {s.WorkingSetMB,7:F1} MB, private {s.PrivateMB,7:F1} MB, managed heap {s.ManagedMB,6:F1} MB");
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        Sample(0);
        var column = scored.Schema["Embedding"];
        var clock = Stopwatch.StartNew();
        long n = 0;
        double checksum = 0;
        using (var cursor = scored.GetRowCursor(new[] { column }))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var buffer = default(VBuffer<float>);
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                checksum += buffer.GetValues()[0];
                if (++n % SampleEvery == 0)
                    Sample(n);
            }
        }
        var seconds = clock.Elapsed.TotalSeconds;
        if (n != totalRows)
            throw new InvalidOperationException($"Scored {n} rows, expected {totalRows}.");
        var first = samples.First(s => s.Rows == SampleEvery);
        var end = samples[^1];
        var peakWorkingSet = samples.Where(s => s.Rows >= SampleEvery).Max(s => s.WorkingSetMB);
        var growthWs = end.WorkingSetMB - first.WorkingSetMB;
        var growthPrivate = end.PrivateMB - first.PrivateMB;
        report.Details["settings"] = new { scoredRows = n, sampleEvery = SampleEvery, modelTrainRows = trainRows, modelEpochs = 1 };
        report.Details["samples"] = samples.Select(s => new { rows = s.Rows, workingSetMB = s.WorkingSetMB, privateMB = s.PrivateMB, managedMB = s.ManagedMB }).ToArray();
        report.Add(Measurement.Samples("Memory", "working set growth MB, 100k rows -> 1M rows", [growthWs], target: Target.AtMost(TargetGrowthMegabytes),
            note: $"working set at 0 / 100k / 1M rows: {samples[0].WorkingSetMB:F1} / {first.WorkingSetMB:F1} / {end.WorkingSetMB:F1} MB; peak after 100k {peakWorkingSet:F1} MB; one run"));
        report.Add(Measurement.Samples("Memory", "private bytes growth MB, 100k rows -> 1M rows", [growthPrivate], target: Target.AtMost(TargetGrowthMegabytes),
            note: $"private bytes at 0 / 100k / 1M rows: {samples[0].PrivateMB:F1} / {first.PrivateMB:F1} / {end.PrivateMB:F1} MB; one run"));
        report.Add(Measurement.Samples("Memory", "working set MB after 100k rows", [first.WorkingSetMB]));
        report.Add(Measurement.Samples("Memory", "working set MB after 1M rows", [end.WorkingSetMB]));
        report.Add(Measurement.Samples("Memory", "scoring rows/s over 1M rows", [n / seconds], note: $"checksum {checksum:G6}"));

        FitPeak(data, report);
    }

    /// <summary>
    /// Peak resident memory added by Fit over the full training set (1 epoch), against the size of the data.
    /// Linux only: the peak (VmHWM) is reset through /proc/self/clear_refs first.
    /// </summary>
    private static void FitPeak(BenchmarkData data, Report report)
    {
        if (!File.Exists("/proc/self/clear_refs"))
            return;
        var ml = new MLContext(seed: 1);
        var train = data.Train.ToDataView(ml);
        var dataMegabytes = data.Train.Pixels.Length * 4.0 / 1048576;
        double Peak(Action action)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            File.WriteAllText("/proc/self/clear_refs", "5");
            var before = Status("VmRSS");
            action();
            return Status("VmHWM") - before;
        }
        var ours = Peak(() => ml.Transforms.Autoencoder(Canonical.Options(1)).Fit(train).Dispose());
        report.Add(Measurement.Paired("Memory", $"Fit peak resident memory added, MB (1 epoch over {data.Train.Count:N0} rows)",
            "size of the training data as floats", [new Pair(ours, dataMegabytes, "run 1")], note:
            "one run; VmHWM after Fit - VmRSS before (peak reset via /proc/self/clear_refs); informational: includes glibc/libtorch allocator caching and native " +
            "memory that TorchSharp frees only when the GC finalizes tensors, so it varies between runs"));
    }

    private static double Status(string key)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0; // kB -> MB
    }
}
