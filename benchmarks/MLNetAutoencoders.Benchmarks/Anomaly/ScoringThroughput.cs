using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.SampleData;
using TorchSharp;
using MLNetAutoencoders.Networks;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// Rows/s through a cursor reading the score columns, on the Fashion-MNIST test set repeated: the detector's batched
/// Transform, the embedding transform's ReconstructionError on a network of the same architecture (the reference),
/// the embedding alone, and ML.NET's AnomalyPredictionTransformer over the same model parameters (per-row). Each
/// repeat measures every path back to back, in an order rotated per repeat (the detector and the reference alternate
/// which goes first); the target is held to the paired ratios detector / embedding.
/// </summary>
internal static class ScoringThroughput
{
    private static readonly Target Target = Target.AtLeast(0.90);

    public static void Run(AnomalySettings settings)
    {
        var started = DateTimeOffset.Now;
        var loadAtStart = RunRecord.LoadAverage();
        if (settings.SampleAttempts is { } attempts)
            Contention.MaxAttempts = attempts;
        var seed = settings.Seeds[0];
        var ml = new MLContext(seed: seed);
        var test = FashionMnist.Load(FashionMnistSplitName.Test);
        var oneEpoch = settings.Detector(seed);
        oneEpoch.Autoencoder.NumberOfEpochs = 1;
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(oneEpoch).Fit(test.OfClass(0).ToDataView(ml));
        var description = detector.Model.Architecture;
        torch.manual_seed(seed);
        using var embedding = new AutoencoderEmbeddingTransformer(new FittedNetwork(new AutoencoderNetwork(description), "benchmark"),
            new AutoencoderColumns("Features", "Embedding", "Reconstruction", "ReconstructionError"), detector.ScoringBatchSize);
        var native = detector.ToAnomalyPredictionTransformer();
        var copies = Math.Max(1, settings.Rows / test.Count);
        var pixels = new float[copies * test.Pixels.Length];
        for (var c = 0; c < copies; c++)
            test.Pixels.CopyTo(pixels, c * test.Pixels.Length);
        var view = new FashionMnistSplit(FashionMnistSplitName.Test, pixels, Enumerable.Repeat(test.Labels, copies).SelectMany(l => l).ToArray(),
            test.Source, test.IsEmbeddedSubset).ToDataView(ml);
        var rows = copies * test.Count;

        var paths = new (string Name, Func<double> RowsPerSecond)[]
        {
            ("detector Transform (Score, PredictedLabel)", () => RowsPerSecond(detector.Transform(view), "Score", "PredictedLabel")),
            ("embedding Transform (ReconstructionError)", () => RowsPerSecond(embedding.Transform(view), "ReconstructionError")),
            ("embedding Transform (Embedding only, no decoder)", () => RowsPerSecond(embedding.Transform(view), "Embedding")),
            ("ML.NET AnomalyPredictionTransformer (Score, PredictedLabel)", () => RowsPerSecond(native.Transform(view), "Score", "PredictedLabel")),
        };
        foreach (var path in paths)
            path.RowsPerSecond(); // warm-up
        var samples = paths.Select(_ => new List<Sample>()).ToArray();
        for (var r = 0; r < settings.Repeats; r++)
        {
            for (var k = 0; k < paths.Length; k++)
            {
                var i = (k + r) % paths.Length;
                var (value, foreign) = Contention.Sample($"anomaly throughput: {paths[i].Name}", paths[i].RowsPerSecond);
                samples[i].Add(new Sample(value, foreign, RunRecord.LoadAverage()));
            }
            Console.WriteLine($"  repeat {r + 1}: " + string.Join(", ", paths.Select((p, i) => Invariant($"{p.Name} {samples[i][^1].RowsPerSecond:N0}"))));
        }

        var ratios = paths.Select((_, i) => samples[i].Zip(samples[1], (a, b) => a.RowsPerSecond / b.RowsPerSecond).ToArray()).ToArray();
        var contended = samples[0].Concat(samples[1]).Count(s => Contention.IsContended(s.ForeignCores));
        var verdict = Verdict.Of(ratios[0], Target, contended, Verdict.MinimumRepeats);
        var network = $"{description.InputSize}-{string.Join('-', description.HiddenSizes)}-{description.LatentDimension}";
        Console.WriteLine($"Network {network}, {rows:N0} rows, batch {detector.ScoringBatchSize}, {settings.Repeats} paired repeats:");
        Console.WriteLine("| Scoring path | rows/s median (min–max) | ratio to embedding ReconstructionError, median (min–max) |");
        for (var i = 0; i < paths.Length; i++)
        {
            var values = samples[i].Select(s => s.RowsPerSecond).ToArray();
            Console.WriteLine(Invariant($"| {paths[i].Name} | {Median(values):N0} ({values.Min():N0}–{values.Max():N0}) | {Median(ratios[i]):F3} ({ratios[i].Min():F3}–{ratios[i].Max():F3}) |"));
        }
        Console.WriteLine(Invariant($"Target: detector / embedding transform {Target}: {verdict} (paired ratios {Median(ratios[0]):F3}, min–max {ratios[0].Min():F3}–{ratios[0].Max():F3}, {contended} contended samples)"));

        RunRecord.Write(settings.Results, settings.FileName("anomaly-throughput", settings.Repeats >= Verdict.MinimumRepeats && settings.Rows == 50_000), new
        {
            run = RunRecord.Finish(settings.CommandFor("throughput"), started, loadAtStart),
            network,
            rows,
            batch = detector.ScoringBatchSize,
            repeats = settings.Repeats,
            reference = paths[1].Name,
            paths = paths.Select((p, i) => new
            {
                name = p.Name,
                medianRowsPerSecond = Median(samples[i].Select(s => s.RowsPerSecond)),
                minRowsPerSecond = samples[i].Min(s => s.RowsPerSecond),
                maxRowsPerSecond = samples[i].Max(s => s.RowsPerSecond),
                ratioToReference = new { median = Median(ratios[i]), min = ratios[i].Min(), max = ratios[i].Max(), paired = ratios[i] },
                samples = samples[i],
            }),
            target = new { what = "detector Transform / embedding Transform (ReconstructionError), paired per repeat", atLeast = Target.Threshold, contendedSamples = contended, verdict },
        });
    }

    /// <summary>One measurement: rows/s, the cores other processes used meanwhile, and the load average after it.</summary>
    private sealed record Sample(double RowsPerSecond, double ForeignCores, string LoadAverage);

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

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
