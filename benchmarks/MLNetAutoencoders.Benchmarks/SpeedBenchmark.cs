using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;
using MLNetAutoencoders.Networks;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// Fit, Transform and PredictionEngine against raw TorchSharp on the same network in the same process, and Fit and
/// encoding against the PyTorch script, in paired repeats (ours and the yardsticks back to back, the order rotating);
/// beside them the same fitted model exported with ConvertToOnnx and scored by ONNX Runtime (ApplyOnnxModel).
/// </summary>
internal static class SpeedBenchmark
{
    public const int TransformPasses = 3;
    public const int LatencyWarmup = 200;
    public const int LatencyCalls = 3000;

    /// <summary>
    /// ONNX Runtime's intra-op threads. ApplyOnnxModel runs one row per session call; with 2 threads the pool's spinning
    /// workers slowed the TorchSharp sides measured after it by 10-20% and its own cursor throughput too (14k rows/s
    /// against 22k with 1 thread; single-row latency 62 against 68 µs), so it gets one.
    /// </summary>
    public const int OnnxRuntimeThreads = 1;

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

    /// <summary>Every output of the embedding transformer.</summary>
    private sealed class ScoredRow
    {
        [VectorType(32)]
        public float[] Embedding { get; set; } = [];

        [VectorType(Canonical.InputSize)]
        public float[] Reconstruction { get; set; } = [];

        public float ReconstructionError { get; set; }
    }

    /// <summary>
    /// The same outputs as ONNX Runtime gives them (ReconstructionError is a vector of one). ML.NET's converter names
    /// the graph's outputs "&lt;column&gt;.output"; ApplyOnnxModel names its columns without the suffix.
    /// </summary>
    private sealed class OnnxScoredRow
    {
        [VectorType(32)]
        public float[] Embedding { get; set; } = [];

        [VectorType(Canonical.InputSize)]
        public float[] Reconstruction { get; set; } = [];

        [VectorType(1)]
        public float[] ReconstructionError { get; set; } = [];
    }

    private const string OnnxEmbedding = "Embedding.output";
    private static readonly string[] OnnxOutputs = [OnnxEmbedding, "Reconstruction.output", "ReconstructionError.output"];

    /// <summary>
    /// Runs the benchmark; <paramref name="scoringOnly"/> skips the Fit comparisons (no raw loop, no PyTorch script:
    /// ours is fitted once per repeat) and measures the scoring rows only.
    /// </summary>
    /// <remarks>
    /// <paramref name="network"/> (default FMNIST-MLP-32) is the network measured: every yardstick is built from the same
    /// description. For the convolutional network (issue 15's targets: Fit ≥ 0.90, Transform ≥ 0.80 of the raw loop and
    /// forward) a fourth Fit side trains the same layers through libtorch's native convolutions (informational: not
    /// correct on this CPU), PredictionEngine has no target and the ONNX rows are left out (no conv export yet).
    /// </remarks>
    public static void Run(BenchmarkData data, int epochs, int repeats, bool verbose, Report report, bool scoringOnly = false, BenchmarkNetwork? network = null)
    {
        network ??= BenchmarkNetwork.Mlp;
        var conv = network.IsConvolutional;
        var fitSides = scoringOnly ? 1 : conv ? 4 : 3;
        if (epochs < 2)
            throw new ArgumentOutOfRangeException(nameof(epochs), "speed needs at least 2 epochs: throughput counts the epochs after the first.");
        if (!scoringOnly)
            PyTorchReference.Require(data);
        var ml = new MLContext(seed: 1);
        var train = data.Train.ToDataView(ml);
        var test = data.Test.ToDataView(ml);
        var rows = data.Train.Count;
        var testRows = data.Test.Count;
        var images = data.Test.ToJaggedImages();
        using var testTensor = tensor(data.Test.Pixels, new long[] { testRows, Canonical.InputSize });
        report.Details["settings"] = new { epochs, repeats, trainRows = rows, testRows, transformPasses = TransformPasses, latencyCalls = LatencyCalls, latencyWarmup = LatencyWarmup, scoringOnly, onnxRuntimeThreads = OnnxRuntimeThreads };
        if (conv)
            report.Details["network"] = new { name = network.Label, imageShape = BenchmarkNetwork.Image.ToString(), channels = network.Channels, parameters = network.Description().ParameterCount };
        Console.WriteLine($"Speed: {repeats} repeats; each: " + (scoringOnly ? $"Fit (ours only: --scoring-only), {epochs} epochs over {rows:N0} rows" :
                          $"Fit (ours), the raw TorchSharp loop{(conv ? ", the raw loop with libtorch's native convolutions" : "")} and the PyTorch script, {epochs} epochs over {rows:N0} rows" +
                          (network.FitsInAbbaPairs ? "; ours and the raw loop twice each in ABBA order, then the others (rotating)" : " (order rotating between repeats)")) +
                          ", then on that repeat's model Transform vs the raw encoder, PredictionEngine vs raw single-row forwards" +
                          (conv ? $" ({network.Label})." : ", and the model exported to ONNX scored by ONNX Runtime."));

        var fitRaw = new List<Pair>();
        var fitPyTorch = new List<Pair>();
        var fitNative = new List<Pair>();
        var fitWall = new List<double>();
        var fitWallForeign = new List<double>();
        var transformRaw = new List<Pair>();
        var transformArrays = new List<Pair>();
        var transformPyTorch = new List<Pair>();
        var transformOnnx = new List<Pair>();
        var allColumns = new List<double>();
        var allColumnsForeign = new List<double>();
        var latencyFull = new List<Pair>();
        var latencyRaw = new List<Pair>();
        var latencyLean = new List<Pair>();
        var latencyEmbeddingRead = new List<Pair>();
        var latencyOnnx = new List<Pair>();
        var labels = new List<string>();
        for (var r = 0; r < repeats; r++)
        {
            var label = $"repeat {r + 1}";
            labels.Add(label);
            AutoencoderEmbeddingTransformer? model = null;
            var oursFits = new List<(double Steady, double Wall, double Foreign)>();
            var raws = new List<(double Steady, double Foreign)>();
            double nativeSteady = 0, nativeForeign = 0, pyForeign = 0;
            PyTorchRun? py = null;
            foreach (var side in FitOrder(r, fitSides, abba: !scoringOnly && network.FitsInAbbaPairs))
            {
                switch (side)
                {
                    case 0:
                        var clock = new EpochClock(verbose);
                        var wall = Stopwatch.StartNew();
                        model?.Dispose();
                        (model, var oursForeign) = Contention.Sample("Fit", () =>
                        {
                            clock.Reports.Clear();
                            wall.Restart();
                            return ml.Transforms.Autoencoder(network.Options(epochs, progress: clock)).Fit(train);
                        });
                        oursFits.Add((clock.SteadySamplesPerSecond(rows), rows * (double)epochs / wall.Elapsed.TotalSeconds, oursForeign));
                        Console.WriteLine($"  {label}: ours {oursFits[^1].Steady:N0} samples/s steady, Fit() wall {oursFits[^1].Wall:N0} samples/s; other processes {oursForeign:F2} cores");
                        break;
                    case 1:
                        var (raw, foreign) = Contention.Sample("raw training loop", () => RawTorch.Train(data.Train.Pixels, rows, epochs, echo: verbose, network: network));
                        using (raw)
                            raws.Add((raw.SteadySamplesPerSecond(rows), foreign));
                        Console.WriteLine($"  {label}: raw  {raws[^1].Steady:N0} samples/s steady; other processes {foreign:F2} cores");
                        break;
                    case 3:
                        (var nativeSeconds, nativeForeign) = Contention.Sample("raw loop, native convolutions", () => RawTorch.TrainNativeConvolutions(data.Train.Pixels, rows, epochs, echo: verbose));
                        nativeSteady = RawTorch.SteadySamplesPerSecond(nativeSeconds, rows);
                        Console.WriteLine($"  {label}: raw, native convolutions {nativeSteady:N0} samples/s steady; other processes {nativeForeign:F2} cores");
                        break;
                    default:
                        (py, pyForeign) = Contention.Sample("PyTorch reference", () => PyTorchReference.Train(epochs, 32, r + 1, rows, network));
                        Console.WriteLine($"  {label}: PyTorch {py.TrainSamplesPerSecond:N0} samples/s steady, encode {py.EncodeRowsPerSecond:N0} rows/s; other processes {pyForeign:F2} cores");
                        break;
                }
            }
            var oursSteady = Report.Pooled(oursFits.Select(o => o.Steady));
            var oursForeignMax = oursFits.Max(o => o.Foreign);
            fitWall.Add(Report.Pooled(oursFits.Select(o => o.Wall)));
            fitWallForeign.Add(oursForeignMax);
            if (!scoringOnly)
            {
                if (raws.Count > 1)
                    Console.WriteLine($"  {label}: pooled ours {oursSteady:N0} ({string.Join(", ", oursFits.Select(o => o.Steady.ToString("N0")))}), " +
                                      $"raw {Report.Pooled(raws.Select(o => o.Steady)):N0} ({string.Join(", ", raws.Select(o => o.Steady.ToString("N0")))})");
                fitRaw.Add(new Pair(oursSteady, Report.Pooled(raws.Select(o => o.Steady)), label, Math.Max(oursForeignMax, raws.Max(o => o.Foreign)), RunRecord.LoadAverage()));
                fitPyTorch.Add(new Pair(oursSteady, py!.TrainSamplesPerSecond, label, Math.Max(oursForeignMax, pyForeign), RunRecord.LoadAverage()));
                if (conv)
                    fitNative.Add(new Pair(oursSteady, nativeSteady, label, Math.Max(oursForeignMax, nativeForeign), RunRecord.LoadAverage()));
            }

            var onnxPath = Path.Combine(Path.GetTempPath(), $"speed-{Environment.ProcessId}-{r + 1}.onnx");
            try
            {
                using (model)
                {
                    var module = model!.Module;
                    // The same fitted model, exported (from the Features column alone: the graph's only input) and scored by
                    // ONNX Runtime (OnnxRuntimeThreads).
                    // Not for the convolutional network: its ONNX export is not written yet.
                    if (!conv)
                    {
                        using var stream = File.Create(onnxPath);
                        ml.Model.ConvertToOnnx(model, ml.Transforms.SelectColumns("Features").Fit(test).Transform(test), stream);
                    }
                    using var onnxEmbedding = conv ? null : ml.Transforms.ApplyOnnxModel(OnnxScoring(onnxPath, OnnxEmbedding)).Fit(test);
                    using var onnxAll = conv ? null : ml.Transforms.ApplyOnnxModel(OnnxScoring(onnxPath, OnnxOutputs)).Fit(test);
                    var scoringSides = conv ? 2 : 3;

                    // ---- Transform: warm-up, then ours, the raw encoder and ONNX Runtime back to back, the order rotating.
                    // Ours warms up last and for at least a second: .NET's tiered JIT compiles the cursor's code optimized only
                    // after ~100 ms without new methods being compiled, which ONNX Runtime's first run delays; without this,
                    // the first repeat timed partly unoptimized code (0.60-0.80x the raw encoder against 0.84 with the JIT's
                    // tiering switched off).
                    if (onnxEmbedding is not null)
                        ReadEmbeddings(onnxEmbedding.Transform(test));
                    RawTorch.EncodeRowsPerSecond(module, testTensor, 1024, TransformPasses);
                    var warmUp = Stopwatch.StartNew();
                    do
                        TransformRowsPerSecond(model, test, testRows);
                    while (warmUp.Elapsed < TimeSpan.FromSeconds(1));
                    (double Value, double Foreign) ours = default, raw = default, onnx = default;
                    for (var side = 0; side < scoringSides; side++)
                    {
                        Settle();
                        switch ((side + r) % scoringSides)
                        {
                            case 0:
                                ours = Contention.Sample("Transform", () => TransformRowsPerSecond(model, test, testRows));
                                break;
                            case 1:
                                raw = Contention.Sample("raw encoder", () => RawTorch.EncodeRowsPerSecond(module, testTensor, 1024, TransformPasses));
                                break;
                            default:
                                onnx = Contention.Sample("ONNX Runtime Transform", () => TransformRowsPerSecond(onnxEmbedding!, test, testRows));
                                break;
                        }
                    }
                    var arrays = Contention.Sample("raw encoder from arrays", () => RawTorch.EncodeFromArraysRowsPerSecond(module, data.Test.Pixels, testRows, 1024, TransformPasses));
                    transformRaw.Add(new Pair(ours.Value, raw.Value, label, Math.Max(ours.Foreign, raw.Foreign), RunRecord.LoadAverage()));
                    transformArrays.Add(new Pair(ours.Value, arrays.Value, label, Math.Max(ours.Foreign, arrays.ForeignCores), RunRecord.LoadAverage()));
                    if (!conv)
                        transformOnnx.Add(new Pair(onnx.Value, raw.Value, label, Math.Max(onnx.Foreign, raw.Foreign), RunRecord.LoadAverage()));
                    if (py is not null)
                        transformPyTorch.Add(new Pair(ours.Value, py.EncodeRowsPerSecond, label, Math.Max(ours.Foreign, pyForeign), RunRecord.LoadAverage()));
                    // Diagnosis: every output column active (reconstruction and error make the scorer run the decoder).
                    var all = Contention.Sample("Transform, all columns", () =>
                    {
                        var clock = Stopwatch.StartNew();
                        ReadAllOutputs(model.Transform(test));
                        return testRows / clock.Elapsed.TotalSeconds;
                    });
                    allColumns.Add(all.Value);
                    allColumnsForeign.Add(all.ForeignCores);
                    Console.WriteLine($"  {label}: Transform {ours.Value:N0} rows/s, raw encoder {raw.Value:N0}{(conv ? "" : $", ONNX Runtime {onnx.Value:N0}")}, raw from arrays {arrays.Value:N0}, all columns {all.Value:N0}");

                    // ---- PredictionEngine: median latency of LatencyCalls calls; ours (every column read), the raw forward computing
                    // the same three outputs, the raw encoder-only forward and ONNX Runtime back to back, the order rotating.
                    var engine = ml.Model.CreatePredictionEngine<ImageRow, ScoredRow>(model);
                    var onnxEngine = onnxAll is null ? null : ml.Model.CreatePredictionEngine<ImageRow, OnnxScoredRow>(onnxAll);
                    var latencySides = conv ? 3 : 4;
                    // Diagnosis: the same network behind a transformer whose reconstruction columns are switched off.
                    // Not disposed: it shares model's network.
                    var embeddingOnly = new AutoencoderEmbeddingTransformer(model.FittedNetwork, new AutoencoderColumns("Features", "Embedding", null, null), 1024);
                    var lean = ml.Model.CreatePredictionEngine<ImageRow, EmbeddingRow>(embeddingOnly);
                    (double Value, double Foreign) oursLatency = default, fullLatency = default, rawLatency = default, onnxLatency = default;
                    for (var side = 0; side < latencySides; side++)
                    {
                        Settle();
                        switch ((side + r) % latencySides)
                        {
                            case 0:
                                oursLatency = Contention.Sample("PredictionEngine", () => Report.Median(EngineLatencies(engine, images)));
                                break;
                            case 1:
                                fullLatency = Contention.Sample("raw single-row forward, three outputs", () => Report.Median(RawSingleRowFullLatencies(module, images)));
                                break;
                            case 2:
                                rawLatency = Contention.Sample("raw single-row encoder forward", () => Report.Median(RawSingleRowLatencies(module, images)));
                                break;
                            default:
                                onnxLatency = Contention.Sample("ONNX Runtime PredictionEngine", () => Report.Median(EngineLatencies(onnxEngine!, images)));
                                break;
                        }
                    }
                    var leanLatency = Contention.Sample("PredictionEngine, embedding only", () => Report.Median(EngineLatencies(lean, images)));
                    // Diagnosis: every column configured, an output class reading Embedding alone.
                    var embeddingReader = ml.Model.CreatePredictionEngine<ImageRow, EmbeddingRow>(model);
                    var readLatency = Contention.Sample("PredictionEngine, Embedding read", () => Report.Median(EngineLatencies(embeddingReader, images)));
                    latencyEmbeddingRead.Add(new Pair(readLatency.Value, rawLatency.Value, label, Math.Max(readLatency.ForeignCores, rawLatency.Foreign), RunRecord.LoadAverage()));
                    latencyFull.Add(new Pair(oursLatency.Value, fullLatency.Value, label, Math.Max(oursLatency.Foreign, fullLatency.Foreign), RunRecord.LoadAverage()));
                    latencyRaw.Add(new Pair(oursLatency.Value, rawLatency.Value, label, Math.Max(oursLatency.Foreign, rawLatency.Foreign), RunRecord.LoadAverage()));
                    latencyLean.Add(new Pair(leanLatency.Value, rawLatency.Value, label, Math.Max(leanLatency.ForeignCores, rawLatency.Foreign), RunRecord.LoadAverage()));
                    if (!conv)
                        latencyOnnx.Add(new Pair(onnxLatency.Value, fullLatency.Value, label, Math.Max(onnxLatency.Foreign, fullLatency.Foreign), RunRecord.LoadAverage()));
                    Console.WriteLine($"  {label}: PredictionEngine {oursLatency.Value:F1} µs, raw three outputs {fullLatency.Value:F1} µs, raw encoder {rawLatency.Value:F1} µs, " +
                                      (conv ? "" : $"ONNX Runtime {onnxLatency.Value:F1} µs, ") + $"embedding only {leanLatency.Value:F1} µs, Embedding read {readLatency.Value:F1} µs (medians of {LatencyCalls} calls)");
                }
            }
            finally
            {
                File.Delete(onnxPath);
            }
        }

        if (!scoringOnly)
        {
            report.Add(Measurement.Paired("Fit", $"training samples/s (epochs 2..{epochs})", "raw TorchSharp loop", fitRaw, Target.AtLeast(0.90), minimumSamples: Verdict.MinimumRepeats,
                note: network.FitsInAbbaPairs ? "per repeat 2 Fits a side in ABBA order, pooled (harmonic mean)" : null));
            report.Add(Measurement.Samples("Fit", "Fit() wall samples/s (incl. IDataView load, first epoch)", fitWall, labels, foreignCores: fitWallForeign));
            report.Add(Measurement.Paired("Fit", $"training samples/s (epochs 2..{epochs}) vs PyTorch", PyTorchReference.Name, fitPyTorch,
                note: "informational; PyTorch runs the same epochs on the same rows in each repeat" + (conv ? " (its conv network: same layers, nn.Conv2d / nn.ConvTranspose2d)" : "")));
            if (conv)
                report.Add(Measurement.Paired("Fit", $"training samples/s (epochs 2..{epochs}) vs libtorch's native convolutions", "raw TorchSharp loop, nn.Conv2d / nn.ConvTranspose2d forward (oneDNN)", fitNative,
                    note: "informational, speed context only: libtorch's native conv kernels give wrong values on this CPU (AVX-512; design §14), ours computes convolutions as unfold/fold + matmul"));
        }
        report.Add(Measurement.Paired("Transform", $"embedding rows/s (cursor over {testRows:N0} test rows, {TransformPasses} passes)", "raw batched encoder forward (batch 1024, no grad)",
            transformRaw, Target.AtLeast(conv ? 0.80 : 0.90), minimumSamples: Verdict.MinimumRepeats));
        report.Add(Measurement.Paired("Transform", "embedding rows/s vs a raw forward from float[] with the codes copied out", "raw forward from float[] + copy out", transformArrays));
        if (!scoringOnly)
            report.Add(Measurement.Paired("Transform", "embedding rows/s vs PyTorch encode (batch 1024, no grad)", PyTorchReference.Name, transformPyTorch,
                note: "informational; PyTorch's encode figure comes from the same repeat's script run"));
        if (!conv)
            report.Add(Measurement.Paired("Transform", "ONNX Runtime (ConvertToOnnx + ApplyOnnxModel) embedding rows/s, same cursor", "raw batched encoder forward (batch 1024, no grad)",
            transformOnnx, note: $"informational; ApplyOnnxModel runs one row per session call; ONNX Runtime with {OnnxRuntimeThreads} intra-op thread(s)"));
        report.Add(Measurement.Samples("Transform", "rows/s reading Embedding + Reconstruction + ReconstructionError", allColumns, labels,
            note: "runs encoder and decoder; informational", foreignCores: allColumnsForeign));
        report.Add(Measurement.Paired("PredictionEngine", $"single-row latency µs, all three columns read, median of {LatencyCalls:N0} calls (lower is better)",
            "raw single-row forward: encoder, decoder and error into float[]", latencyFull, conv ? null : Target.AtMost(1.20), minimumSamples: Verdict.MinimumRepeats,
            note: "per repeat the median of the calls; ratio = ours / raw" + (conv ? "; informational (issue 15 sets no latency target)" : "")));
        report.Add(Measurement.Paired("PredictionEngine", "single-row latency µs, all three columns read", "raw single-row encoder forward", latencyRaw,
            note: "informational: the reference computes the embedding only"));
        report.Add(Measurement.Paired("PredictionEngine", "single-row latency µs, Reconstruction columns switched off", "raw single-row encoder forward", latencyLean,
            note: "diagnosis: same network, AutoencoderColumns(..., null, null)"));
        report.Add(Measurement.Paired("PredictionEngine", "single-row latency µs, all columns configured, output class reading Embedding only", "raw single-row encoder forward",
            latencyEmbeddingRead, note: "diagnosis: after the first prediction the row scores only the columns whose getters were called"));
        if (!conv)
            report.Add(Measurement.Paired("PredictionEngine", "ONNX Runtime (ApplyOnnxModel) single-row latency µs, all three columns read",
            "raw single-row forward: encoder, decoder and error into float[]", latencyOnnx, note: $"informational; ONNX Runtime with {OnnxRuntimeThreads} intra-op thread(s)"));
    }

    /// <summary>
    /// Before each timed scoring sample: a full blocking collection, so that no background GC left by Fit or by the previous
    /// side (ApplyOnnxModel allocates per row) runs during the sample, competing with libtorch's threads.
    /// </summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static OnnxOptions OnnxScoring(string path, params string[] outputs) => new()
    {
        ModelFile = path,
        InputColumns = ["Features"],
        OutputColumns = outputs,
        IntraOpNumThreads = OnnxRuntimeThreads,
        InterOpNumThreads = 1,
    };

    private static double TransformRowsPerSecond(ITransformer model, IDataView test, int testRows)
    {
        var clock = Stopwatch.StartNew();
        for (var pass = 0; pass < TransformPasses; pass++)
            ReadEmbeddings(model.Transform(test));
        return TransformPasses * testRows / clock.Elapsed.TotalSeconds;
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

    private static List<double> EngineLatencies<TOutput>(PredictionEngine<ImageRow, TOutput> engine, float[][] images) where TOutput : class, new()
    {
        var input = new ImageRow();
        var output = new TOutput();
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

    /// <summary>
    /// The Fit sides of repeat <paramref name="repeat"/> (0 ours, 1 the raw loop, 2 PyTorch, 3 native convolutions), so
    /// that drift in machine load favours no side: with one run a side the order rotates between repeats; with
    /// <paramref name="abba"/>, ours and the raw loop go first in ABBA order (the next repeat BAAB), then the
    /// informational sides, rotating.
    /// </summary>
    internal static IEnumerable<int> FitOrder(int repeat, int sides, bool abba)
    {
        if (!abba)
            return Enumerable.Range(0, sides).Select(side => (side + repeat) % sides);
        var (a, b) = repeat % 2 == 0 ? (0, 1) : (1, 0);
        var others = Enumerable.Range(2, sides - 2).ToArray();
        return new[] { a, b, b, a }.Concat(others.Select((_, i) => others[(i + repeat) % others.Length]));
    }

    /// <summary>Tensor from the row's array, encoder forward without grad, codes copied to a new array.</summary>
    private static List<double> RawSingleRowLatencies(AutoencoderNetwork network, float[][] images) =>
        SingleRowLatencies(images, x => _ = network.Code(network.EncoderOutput(x)).data<float>().ToArray());

    /// <summary>
    /// Like-for-like with a PredictionEngine reading every column: tensor from the row's array, encoder, decoder and
    /// per-row mean squared error without grad, the three results copied into preallocated float arrays.
    /// </summary>
    private static List<double> RawSingleRowFullLatencies(AutoencoderNetwork network, float[][] images)
    {
        var embedding = new float[network.Description.LatentDimension];
        var reconstruction = new float[Canonical.InputSize];
        var error = new float[1];
        return SingleRowLatencies(images, x =>
        {
            var code = network.Code(network.EncoderOutput(x));
            var decoded = network.Decode(code);
            var mse = NetworkMath.RowMeanSquaredError(decoded, x);
            MemoryMarshal.Cast<byte, float>(code.bytes).CopyTo(embedding);
            MemoryMarshal.Cast<byte, float>(decoded.bytes).CopyTo(reconstruction);
            MemoryMarshal.Cast<byte, float>(mse.bytes).CopyTo(error);
        });
    }

    /// <summary>Latency in µs of each call after the warm-up: a [1, 784] tensor from the row's array, then <paramref name="forward"/>, in a dispose scope without grad.</summary>
    private static List<double> SingleRowLatencies(float[][] images, Action<Tensor> forward)
    {
        var latencies = new List<double>(LatencyCalls);
        var shape = new long[] { 1, Canonical.InputSize };
        for (var i = 0; i < LatencyWarmup + LatencyCalls; i++)
        {
            var image = images[i % images.Length];
            var start = Stopwatch.GetTimestamp();
            using (var scope = NewDisposeScope())
            using (no_grad())
                forward(tensor(image, shape));
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if (i >= LatencyWarmup)
                latencies.Add(elapsed);
        }
        return latencies;
    }
}
