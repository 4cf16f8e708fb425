using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Scoring;
using TorchSharp;
using MLNetAutoencoders.Native;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// Where Transform's time goes: the steps of src/Transforms/Scoring (BatchedScoringDataView.FillBatch reading rows,
/// the input tensor, copy in and out with the internal TensorData, encoder forward) timed separately, and variants of
/// the input-tensor step (TorchSharp's element accessor, a fresh tensor per batch with a copy, which src used
/// before InputBatch, one reused tensor (src today: the cursor writes rows straight into it), the batch array itself through torch.from_array, which src does not use: a managed array is not
/// 64-byte aligned, and MKL's results may depend on the alignment, so scores would differ between processes).
/// </summary>
internal static class TransformProfile
{
    public const int Batch = 1024;
    public const int Passes = 5;

    public static void Run(BenchmarkData data, Report report)
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.Transforms.Autoencoder(Canonical.Options(1)).Fit(Subset(data, 10_000).ToDataView(ml));
        var network = model.Module;
        var test = data.Test.ToDataView(ml);
        var rows = data.Test.Count;
        var size = Canonical.InputSize;
        var latent = network.Description.LatentDimension;
        var batchBuffer = new float[Batch * size];
        var output = new float[Batch * latent];
        Console.WriteLine($"Transform profile: {Passes} passes over {rows:N0} test rows, batches of {Batch}.");

        // Step 1: reading the input column through a cursor into the batch array (FillBatch + InputColumn.Read).
        var read = Contention.Sample("profile: cursor read", () => Time(() =>
        {
            var column = test.Schema["Features"];
            using var cursor = test.GetRowCursor(new[] { column });
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var buffer = default(VBuffer<float>);
            var i = 0;
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                buffer.CopyTo(batchBuffer.AsSpan((i % Batch) * size, size));
                i++;
            }
        }, passes: 1)).Value;

        // Steps 2-5: Score's tensor work, timed step by step on the same rows.
        double tEmpty = 0, tCopyIn = 0, tForward = 0, tCopyOut = 0, tScope = 0;
        Contention.Sample("profile: score steps", () =>
        {
            tEmpty = tCopyIn = tForward = tCopyOut = tScope = 0;
            using var noGrad = no_grad();
            for (var pass = 0; pass < Passes; pass++)
            {
                for (var start = 0; start < rows; start += Batch)
                {
                    var count = Math.Min(Batch, rows - start);
                    var span = data.Test.Pixels.AsSpan(start * size, count * size);
                    var t0 = Stopwatch.GetTimestamp();
                    var scope = NewDisposeScope();
                    var x = empty(count, size);
                    var t1 = Stopwatch.GetTimestamp();
                    TensorData.Write(x, span);
                    var t2 = Stopwatch.GetTimestamp();
                    var code = network.Code(network.EncoderOutput(x));
                    var t3 = Stopwatch.GetTimestamp();
                    TensorData.Read(code, output);
                    var t4 = Stopwatch.GetTimestamp();
                    scope.Dispose();
                    var t5 = Stopwatch.GetTimestamp();
                    tEmpty += t1 - t0;
                    tCopyIn += t2 - t1;
                    tForward += t3 - t2;
                    tCopyOut += t4 - t3;
                    tScope += t5 - t4;
                }
            }
            return 0;
        });
        double Seconds(double ticks) => ticks / Stopwatch.Frequency / Passes;
        var steps = new (string Name, double Seconds)[]
        {
            ("cursor: read Features into the batch array (per pass)", read),
            ("NewDisposeScope + empty(rows, 784)", Seconds(tEmpty)),
            ("TensorData.Write (copy in through Tensor.bytes)", Seconds(tCopyIn)),
            ("encoder forward", Seconds(tForward)),
            ("TensorData.Read (copy out)", Seconds(tCopyOut)),
            ("scope.Dispose", Seconds(tScope)),
        };
        foreach (var (name, seconds) in steps)
            report.Add(new Measurement("Transform profile", $"{name}: ms per 10k rows", seconds * 1000, null, null, null, null, null, [seconds * 1000], []));

        // Variants of the copy-in step: what the 3.2 MB per batch could cost.
        var variants = new (string Name, Func<int, int, Tensor> Make)[]
        {
            ("empty + TensorAccessor.CopyFrom (src before commit 974e162)", (start, count) =>
            {
                var x = empty(count, size);
                x.data<float>().CopyFrom(data.Test.Pixels.AsSpan(start * size, count * size), 0, 0);
                return x;
            }),
            ("empty + Span copy into Tensor.bytes (src before InputBatch)", (start, count) =>
            {
                var x = empty(count, size);
                data.Test.Pixels.AsSpan(start * size, count * size).CopyTo(MemoryMarshal.Cast<byte, float>(x.bytes));
                return x;
            }),
            ("torch.from_array(batch array) in place, no copy (not in src: alignment)", (start, count) =>
            {
                data.Test.Pixels.AsSpan(start * size, count * size).CopyTo(batchBuffer);
                using var flat = from_array(batchBuffer);
                using var head = flat.narrow(0, 0, (long)count * size);
                return head.view(count, size);
            }),
            ("torch.tensor(float[] batch array, shape)", (start, count) =>
            {
                data.Test.Pixels.AsSpan(start * size, count * size).CopyTo(batchBuffer);
                return count == Batch ? tensor(batchBuffer, new long[] { count, size }) : tensor(batchBuffer.AsSpan(0, count * size).ToArray(), new long[] { count, size });
            }),
        };
        // Tensor.bytes must be a view of the tensor's storage (not a copy) for the Span-copy variants to be valid.
        using (var check = empty(2, size))
        {
            data.Test.Pixels.AsSpan(0, 2 * size).CopyTo(MemoryMarshal.Cast<byte, float>(check.bytes));
            if (!check.data<float>().ToArray().AsSpan().SequenceEqual(data.Test.Pixels.AsSpan(0, 2 * size)))
                throw new InvalidOperationException("Tensor.bytes is not a view of the tensor's storage.");
        }
        using var preloaded = tensor(data.Test.Pixels, new long[] { rows, size });
        var reused = empty(Batch, size);
        foreach (var (name, make) in variants)
        {
            var copyOnly = Contention.Sample($"profile: {name}", () => Time(() => Loop(rows, (start, count) => { using var x = make(start, count); }))).Value;
            var withForward = Contention.Sample($"profile: {name} + forward", () => Time(() => Loop(rows, (start, count) =>
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                network.Code(network.EncoderOutput(make(start, count))).data<float>().CopyTo(output, 0, 0);
            }))).Value;
            report.Add(new Measurement("Transform profile", $"input tensor via {name}: ms per 10k rows (alone / with forward + copy out)", copyOnly * 1000,
                withForward * 1000, "with forward", null, null, null, [copyOnly * 1000], [withForward * 1000]));
        }
        var raw = Contention.Sample("profile: narrow of a preloaded tensor + forward", () => Time(() => Loop(rows, (start, count) =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            network.Code(network.EncoderOutput(preloaded.narrow(0, start, count))).data<float>().CopyTo(output, 0, 0);
        }))).Value;
        report.Add(new Measurement("Transform profile", "narrow of a preloaded tensor + forward + copy out: ms per 10k rows", raw * 1000, null, null, null, null, null, [raw * 1000], []));
        var reuse = Contention.Sample("profile: reused input tensor + forward", () => Time(() => Loop(rows, (start, count) =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = count == Batch ? reused : reused.narrow(0, 0, count);
            data.Test.Pixels.AsSpan(start * size, count * size).CopyTo(MemoryMarshal.Cast<byte, float>(x.bytes));
            network.Code(network.EncoderOutput(x)).data<float>().CopyTo(output, 0, 0);
        }))).Value;
        report.Add(new Measurement("Transform profile", "one reused input tensor (Span copy into bytes; src today writes rows into it directly) + forward + copy out: ms per 10k rows", reuse * 1000, null, null, null, null, null, [reuse * 1000], []));
        reused.Dispose();

        // The ML.NET side alone: src's BatchedScoringDataView around a scorer that computes nothing, read like Transform's
        // benchmark reads it (Embedding only), next to one full Transform pass and the raw forward, in the same run.
        var nullView = new BatchedScoringDataView(test, "Features", new NullScorer(size, latent), model.ScoringBatchSize);
        var cursorOnly = Contention.Sample("profile: BatchedScoringDataView with a no-op scorer", () => Time(() => ReadEmbedding(nullView), passes: 1)).Value;
        var fullPass = Contention.Sample("profile: Transform pass", () => Time(() => ReadEmbedding(model.Transform(test)), passes: 1)).Value;
        report.Add(new Measurement("Transform profile", "BatchedScoringDataView + no-op scorer, cursor reading Embedding: ms per 10k rows", cursorOnly * 1000, null, null, null, null, null,
            [cursorOnly * 1000], [], "the cost of the ML.NET side: two cursors over the input, batching, per-row getters"));
        report.Add(new Measurement("Transform profile", "one Transform pass reading Embedding (ours): ms per 10k rows", fullPass * 1000, raw * 1000,
            "narrow of a preloaded tensor + forward", fullPass / raw, null, null, [fullPass * 1000], [raw * 1000]));
    }

    private static void ReadEmbedding(IDataView scored)
    {
        var column = scored.Schema["Embedding"];
        using var cursor = scored.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var buffer = default(VBuffer<float>);
        while (cursor.MoveNext())
            getter(ref buffer);
    }

    /// <summary>Produces zeros from the network's kind of input batch: isolates BatchedScoringDataView's own cost.</summary>
    private sealed class NullScorer(int inputSize, int latent) : IBatchScorer
    {
        public int InputSize => inputSize;

        public IReadOnlyList<ScoredColumn> Outputs { get; } = [new ScoredColumn("Embedding", latent)];

        public InputBatch CreateInputBatch(int capacity) => new TensorInputBatch(capacity, inputSize);

        public void Score(InputBatch input, int rows, long firstPosition, IReadOnlyList<bool> active, float[][] outputs)
        {
        }
    }

    private static MLNetAutoencoders.SampleData.FashionMnistSplit Subset(BenchmarkData data, int rows)
    {
        rows = Math.Min(rows, data.Train.Count);
        return new(data.Train.Split, data.Train.Pixels.AsSpan(0, rows * Canonical.InputSize).ToArray(), data.Train.Labels.AsSpan(0, rows).ToArray(),
            data.Train.Source, data.Train.IsEmbeddedSubset);
    }

    private static void Loop(int rows, Action<int, int> batch)
    {
        for (var pass = 0; pass < Passes; pass++)
            for (var start = 0; start < rows; start += Batch)
                batch(start, Math.Min(Batch, rows - start));
    }

    /// <summary>Seconds per pass over the test rows: <paramref name="action"/> makes <paramref name="passes"/> passes.</summary>
    private static double Time(Action action, int passes = Passes)
    {
        action(); // warm-up
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds / passes;
    }
}
