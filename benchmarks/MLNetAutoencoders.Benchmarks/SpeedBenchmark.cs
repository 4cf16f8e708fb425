using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Networks;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>Fit, Transform and PredictionEngine against raw TorchSharp on the same network, in the same process.</summary>
internal static class SpeedBenchmark
{
    public const int TransformPasses = 3;
    public const int LatencyWarmup = 200;
    public const int LatencyCalls = 3000;

    private sealed class ImageRow
    {
        [VectorType(Canonical.InputSize)]
        public float[] Features { get; set; } = [];
    }

    private sealed class EmbeddingRow
    {
        [VectorType(32)]
        public float[] Embedding { get; set; } = [];
    }

    public static void Run(BenchmarkData data, int epochs, int repeats, bool verbose, Report report)
    {
        var ml = new MLContext(seed: 1);
        var train = data.Train.ToDataView(ml);
        var rows = data.Train.Count;
        var reference = ReferenceResults.Load(report);

        // ---------------- Fit ----------------
        Console.WriteLine($"Fit: {repeats} repeats x (ours, raw), {epochs} epochs each over {rows:N0} rows; samples/s over epochs 2..{epochs}.");
        var oursSteady = new List<double>();
        var oursWall = new List<double>();
        var rawSteady = new List<double>();
        var foreign = new List<double>();
        AutoencoderEmbeddingTransformer? model = null;
        for (var r = 0; r < repeats; r++)
        {
            // Alternate the order so drift in machine load does not favour one side.
            for (var side = 0; side < 2; side++)
            {
                if ((side + r) % 2 == 0)
                {
                    var clock = new EpochClock(verbose);
                    var wall = Stopwatch.StartNew();
                    var (fitted, busy) = Contention.Sample("Fit", () =>
                    {
                        clock.Reports.Clear();
                        wall.Restart();
                        return ml.Transforms.Autoencoder(Canonical.Options(epochs, progress: clock)).Fit(train);
                    });
                    var seconds = wall.Elapsed.TotalSeconds;
                    oursSteady.Add(clock.SteadySamplesPerSecond(rows));
                    oursWall.Add(rows * (double)epochs / seconds);
                    foreign.Add(busy);
                    Console.WriteLine($"  repeat {r + 1}: ours {oursSteady[^1]:N0} samples/s steady, Fit() wall {seconds:F1}s ({oursWall[^1]:N0} samples/s incl. loading and first epoch); other processes {busy:F2} cores");
                    model?.Dispose();
                    model = fitted;
                }
                else
                {
                    var (raw, busy) = Contention.Sample("raw training loop", () => RawTorch.Train(data.Train.Pixels, rows, epochs, echo: verbose));
                    using (raw)
                        rawSteady.Add(raw.SteadySamplesPerSecond(rows));
                    foreign.Add(busy);
                    Console.WriteLine($"  repeat {r + 1}: raw  {rawSteady[^1]:N0} samples/s steady (epoch seconds {string.Join(", ", raw.EpochSeconds.Select(s => s.ToString("F2")))}); other processes {busy:F2} cores");
                }
            }
        }
        var fitRatio = Report.Median(oursSteady) / Report.Median(rawSteady);
        report.Add(new Measurement("Fit", "training samples/s (epochs after the first)", Report.Median(oursSteady), Report.Median(rawSteady),
            "raw TorchSharp loop", fitRatio, "ratio ≥ 0.90", fitRatio >= 0.90, oursSteady.ToArray(), rawSteady.ToArray(),
            $"other processes' CPU during the samples (cores): {string.Join(", ", foreign.Select(f => f.ToString("F2")))}"));
        report.Add(new Measurement("Fit", "Fit() wall samples/s (incl. IDataView load, first epoch)", Report.Median(oursWall), null, null, null, null, null,
            oursWall.ToArray(), []));
        if (reference.Speed?.TrainSamplesPerSecond is { } pyTrain)
            report.Add(new Measurement("Fit", "training samples/s vs PyTorch (same machine, 2 threads)", Report.Median(oursSteady), pyTrain,
                "PyTorch reference", Report.Median(oursSteady) / pyTrain, null, null, oursSteady.ToArray(), [pyTrain], "informational; PyTorch is Debian's python3-torch with OpenBLAS"));

        // ---------------- Transform ----------------
        var test = data.Test.ToDataView(ml);
        var testRows = data.Test.Count;
        var network = model!.Model;
        using var testTensor = tensor(data.Test.Pixels, new long[] { testRows, Canonical.InputSize });
        Console.WriteLine($"Transform: cursor over {testRows:N0} test rows reading Embedding (batch {model.ScoringBatchSize}) vs raw encoder forward (batch 1024, no grad), {TransformPasses} passes per sample.");
        ReadEmbeddings(model.Transform(test)); // warm-up
        RawTorch.EncodeRowsPerSecond(network, testTensor, 1024, 1);
        var oursTransform = new List<double>();
        var rawTransform = new List<double>();
        var rawArrays = new List<double>();
        for (var r = 0; r < Math.Max(repeats, 5); r++)
        {
            oursTransform.Add(Contention.Sample("Transform", () =>
            {
                var clock = Stopwatch.StartNew();
                for (var pass = 0; pass < TransformPasses; pass++)
                    ReadEmbeddings(model.Transform(test));
                return TransformPasses * testRows / clock.Elapsed.TotalSeconds;
            }).Value);
            rawTransform.Add(Contention.Sample("raw encoder", () => RawTorch.EncodeRowsPerSecond(network, testTensor, 1024, TransformPasses)).Value);
            rawArrays.Add(Contention.Sample("raw encoder from arrays", () => RawTorch.EncodeFromArraysRowsPerSecond(network, data.Test.Pixels, testRows, 1024, TransformPasses)).Value);
        }
        var transformRatio = Report.Median(oursTransform) / Report.Median(rawTransform);
        report.Add(new Measurement("Transform", "embedding rows/s (cursor over 10k test rows)", Report.Median(oursTransform), Report.Median(rawTransform),
            "raw batched encoder forward", transformRatio, "ratio ≥ 0.70", transformRatio >= 0.70, oursTransform.ToArray(), rawTransform.ToArray()));
        report.Add(new Measurement("Transform", "embedding rows/s vs raw forward incl. array copies in/out", Report.Median(oursTransform), Report.Median(rawArrays),
            "raw forward from float[] + copy out", Report.Median(oursTransform) / Report.Median(rawArrays), null, null, oursTransform.ToArray(), rawArrays.ToArray()));
        if (reference.Speed?.EncodeRowsPerSecond is { } pyEncode)
            report.Add(new Measurement("Transform", "embedding rows/s vs PyTorch encode", Report.Median(oursTransform), pyEncode, "PyTorch reference",
                Report.Median(oursTransform) / pyEncode, null, null, oursTransform.ToArray(), [pyEncode], "informational"));

        // Diagnosis: the same cursor with every output column active (reconstruction + error make the scorer run the decoder).
        var allColumns = new List<double>();
        for (var r = 0; r < 3; r++)
        {
            allColumns.Add(Contention.Sample("Transform, all columns", () =>
            {
                var clock = Stopwatch.StartNew();
                ReadAllOutputs(model.Transform(test));
                return testRows / clock.Elapsed.TotalSeconds;
            }).Value);
        }
        report.Add(new Measurement("Transform", "rows/s reading Embedding + Reconstruction + ReconstructionError", Report.Median(allColumns), null, null, null, null, null,
            allColumns.ToArray(), [], "runs encoder and decoder; informational"));

        // ---------------- PredictionEngine ----------------
        Console.WriteLine($"PredictionEngine: {LatencyCalls} single-row calls after {LatencyWarmup} warm-up calls, median latency.");
        var engine = ml.Model.CreatePredictionEngine<ImageRow, EmbeddingRow>(model);
        var images = data.Test.ToJaggedImages();
        var oursLatency = Contention.Sample("PredictionEngine", () => EngineLatencies(engine, images)).Value;
        var rawLatency = Contention.Sample("raw single-row forward", () => RawSingleRowLatencies(network, images)).Value;
        // Diagnosis: the same network behind a transformer whose reconstruction columns are switched off.
        var embeddingOnly = new AutoencoderEmbeddingTransformer(network, new AutoencoderColumns("Features", "Embedding", null, null), 1024, [], []);
        var lean = ml.Model.CreatePredictionEngine<ImageRow, EmbeddingRow>(embeddingOnly);
        var leanLatency = Contention.Sample("PredictionEngine, embedding only", () => EngineLatencies(lean, images)).Value;
        var latencyRatio = Report.Median(oursLatency) / Report.Median(rawLatency);
        report.Add(new Measurement("PredictionEngine", "single-row latency, median µs (lower is better)", Report.Median(oursLatency), Report.Median(rawLatency),
            "raw single-row encoder forward", latencyRatio, null, null, [Percentile(oursLatency, 0.1), Report.Median(oursLatency), Percentile(oursLatency, 0.9)],
            [Percentile(rawLatency, 0.1), Report.Median(rawLatency), Percentile(rawLatency, 0.9)], "samples are p10/p50/p90; ratio = ours / raw"));
        report.Add(new Measurement("PredictionEngine", "single-row latency µs, Reconstruction columns switched off", Report.Median(leanLatency), Report.Median(rawLatency),
            "raw single-row encoder forward", Report.Median(leanLatency) / Report.Median(rawLatency), null, null,
            [Percentile(leanLatency, 0.1), Report.Median(leanLatency), Percentile(leanLatency, 0.9)], [], "diagnosis: same network, AutoencoderColumns(..., null, null)"));
        // Not disposed: embeddingOnly shares model's network.
        model.Dispose();
    }

    private static long ReadEmbeddings(IDataView scored)
    {
        var column = scored.Schema["Embedding"];
        using var cursor = scored.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var buffer = default(VBuffer<float>);
        long n = 0;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            n++;
        }
        return n;
    }

    private static void ReadAllOutputs(IDataView scored)
    {
        var embedding = scored.Schema["Embedding"];
        var reconstruction = scored.Schema["Reconstruction"];
        var error = scored.Schema["ReconstructionError"];
        using var cursor = scored.GetRowCursor(new[] { embedding, reconstruction, error });
        var e = cursor.GetGetter<VBuffer<float>>(embedding);
        var r = cursor.GetGetter<VBuffer<float>>(reconstruction);
        var m = cursor.GetGetter<float>(error);
        VBuffer<float> eb = default, rb = default;
        var mv = 0f;
        while (cursor.MoveNext())
        {
            e(ref eb);
            r(ref rb);
            m(ref mv);
        }
    }

    private static List<double> EngineLatencies(PredictionEngine<ImageRow, EmbeddingRow> engine, float[][] images)
    {
        var input = new ImageRow();
        var output = new EmbeddingRow();
        var latencies = new List<double>(LatencyCalls);
        for (var i = 0; i < LatencyWarmup + LatencyCalls; i++)
        {
            input.Features = images[i % images.Length];
            var start = Stopwatch.GetTimestamp();
            engine.Predict(input, ref output);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if (i >= LatencyWarmup)
                latencies.Add(elapsed);
        }
        return latencies;
    }

    /// <summary>Tensor from the row's array, encoder forward without grad, codes copied to a new array.</summary>
    private static List<double> RawSingleRowLatencies(AutoencoderNetwork network, float[][] images)
    {
        var latencies = new List<double>(LatencyCalls);
        var shape = new long[] { 1, Canonical.InputSize };
        for (var i = 0; i < LatencyWarmup + LatencyCalls; i++)
        {
            var image = images[i % images.Length];
            var start = Stopwatch.GetTimestamp();
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                var x = tensor(image, shape);
                _ = network.Code(network.EncoderOutput(x)).data<float>().ToArray();
            }
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if (i >= LatencyWarmup)
                latencies.Add(elapsed);
        }
        return latencies;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Round(p * (sorted.Length - 1)))];
    }
}
