using System.Diagnostics;
using Microsoft.ML;
using MLNetAutoencoders.Training;
using TorchSharp;
using MLNetAutoencoders.Networks;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// Where Fit's time goes: the steps of src/Estimators/Training/TrainingLoop.cs replayed with the same
/// internal types (TrainingData, TrainingObjective, GradientDescent) and a stopwatch around each, next to the raw
/// loop's steps (TorchSharp's optim.Adam).
/// </summary>
internal static class ProfileBenchmark
{
    private sealed class Phases
    {
        private readonly Dictionary<string, long> ticks = new();
        private readonly List<string> order = new();

        public void Add(string phase, long elapsedTicks)
        {
            if (!ticks.ContainsKey(phase))
            {
                ticks[phase] = 0;
                order.Add(phase);
            }
            ticks[phase] += elapsedTicks;
        }

        public T Time<T>(string phase, Func<T> action)
        {
            var start = Stopwatch.GetTimestamp();
            var result = action();
            Add(phase, Stopwatch.GetTimestamp() - start);
            return result;
        }

        public void Time(string phase, Action action)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            Add(phase, Stopwatch.GetTimestamp() - start);
        }

        public IEnumerable<(string Phase, double Seconds)> Seconds =>
            order.Select(p => (p, ticks[p] / (double)Stopwatch.Frequency));
    }

    private static readonly List<double> OursRss = new();
    private static readonly List<double> RawRss = new();

    /// <summary>The process's resident set (VmRSS) in MB; NaN where /proc is missing.</summary>
    private static double ResidentMegabytes()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            return double.NaN;
        }
    }

    public static void Run(BenchmarkData data, int epochs, Report report)
    {
        var ml = new MLContext(seed: 1);
        var train = data.Train.ToDataView(ml);
        var rows = data.Train.Count;
        var options = Canonical.Options(epochs);
        Console.WriteLine($"Profile: the trainer's steps over {rows:N0} rows, {epochs} epochs (first epoch counted too), then the raw loop's.");

        var (oursResult, oursForeign) = Contention.Sample("profile: our loop", () => OurLoop(train, rows, epochs, options));
        var (ours, oursTotal, perEpochSteady) = oursResult;
        var (rawResult, rawForeign) = Contention.Sample("profile: raw loop", () => RawLoop(data, rows, epochs));
        var (raw, rawTotal, rawSteady) = rawResult;
        report.Note($"other processes' CPU during the profiled loops (cores): ours {oursForeign:F2}, raw {rawForeign:F2}");

        Console.WriteLine();
        Console.WriteLine($"| Phase ({epochs} epochs x {rows:N0} rows) | ours s | raw s |");
        Console.WriteLine("|---|---:|---:|");
        var rawSeconds = raw.Seconds.ToDictionary(p => p.Phase, p => p.Seconds);
        foreach (var (phase, seconds) in ours.Seconds)
        {
            var match = rawSeconds.Keys.FirstOrDefault(k => phase.StartsWith(k, StringComparison.Ordinal) || k.StartsWith(phase.Split(' ')[0], StringComparison.Ordinal));
            Console.WriteLine($"| {phase} | {seconds:F2} | {(match is null ? "" : rawSeconds[match].ToString("F2"))} |");
            report.Add(new Measurement("Profile", $"ours: {phase} (s, {epochs} epochs)", seconds, match is null ? null : rawSeconds[match],
                match is null ? null : $"raw: {match}", match is null ? null : seconds / rawSeconds[match], null, null, [seconds], match is null ? [] : [rawSeconds[match]]));
        }
        Console.WriteLine($"| total | {oursTotal:F2} | {rawTotal:F2} |");
        report.Add(new Measurement("Profile", "total (s)", oursTotal, rawTotal, "raw loop", oursTotal / rawTotal, null, null, [oursTotal], [rawTotal]));
        report.Add(new Measurement("Profile", "resident memory growth during the epochs, MB (informational)", OursRss[^1] - OursRss[0], RawRss[^1] - RawRss[0],
            "raw loop", null, null, null, OursRss.ToArray(), RawRss.ToArray(),
            "VmRSS after tensor setup and after each epoch; native memory that TorchSharp frees only when the GC finalizes tensors shows up here"));
        if (perEpochSteady.Count > 0)
            report.Add(new Measurement("Profile", "steady samples/s (epochs after the first)", Report.Median(perEpochSteady), Report.Median(rawSteady), "raw loop",
                Report.Median(perEpochSteady) / Report.Median(rawSteady), null, null, perEpochSteady.ToArray(), rawSteady.ToArray()));
    }

    private static (Phases, double, List<double>) OurLoop(IDataView train, int rows, int epochs, AutoencoderOptions options)
    {
        // --- Our training loop, step by step (mirrors TrainingLoop.Train for an undercomplete AE without validation).
        var ours = new Phases();
        var total = Stopwatch.StartNew();
        var trainingData = ours.Time("TrainingData.Load (IDataView -> float[])", () => TrainingData.Load(train, "Features", Canonical.InputSize, false, () => { }));
        manual_seed(1);
        var network = new AutoencoderNetwork(Canonical.Description());
        using var generator = new Generator(1);
        var order = Enumerable.Range(0, rows).ToArray();
        new Random(1).Shuffle(order);
        var all = ours.Time("tensor(values) + index_select(train rows) + amin/amax", () => trainingData.Tensor.clone());
        var trainIndex = tensor(order.Select(i => (long)i).ToArray());
        var trainTensor = ours.Time("tensor(values) + index_select(train rows) + amin/amax", () => all.index_select(0, trainIndex));
        var featureMin = ours.Time("tensor(values) + index_select(train rows) + amin/amax", () => trainTensor.amin(new long[] { 0 }, keepdim: true));
        var featureMax = ours.Time("tensor(values) + index_select(train rows) + amin/amax", () => trainTensor.amax(new long[] { 0 }, keepdim: true));
        var objective = TrainingObjective.Create(network, options, epochs, featureMin, featureMax, generator);
        // The trainer's own optimizer (src/Estimators/Training/GradientDescent.cs), as TrainingLoop uses it.
        var optimizer = new GradientDescent(options.Optimizer, network.parameters(), options.LearningRate, options.WeightDecay, options.Momentum);
        var perEpochSteady = new List<double>();
        OursRss.Clear();
        OursRss.Add(ResidentMegabytes());
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            network.train();
            using var permutation = randperm(rows, generator: generator);
            double sum = 0;
            for (var start = 0; start < rows; start += options.BatchSize)
            {
                var scope = ours.Time("NewDisposeScope", () => NewDisposeScope());
                var batch = ours.Time("index_select batch", () => trainTensor.index_select(0, permutation.narrow(0, start, Math.Min(options.BatchSize, rows - start))));
                ours.Time("zero_grad", () => optimizer.ZeroGrad());
                var loss = ours.Time("forward + loss (objective.Loss)", () => objective.Loss(batch, epoch, deterministic: false));
                ours.Time("backward", () => loss.backward());
                ours.Time("optimizer.step", () => optimizer.Step());
                sum += ours.Time("loss.item<float>() per batch", () => loss.item<float>());
                ours.Time("scope.Dispose", () => scope.Dispose());
            }
            if (epoch > 0)
                perEpochSteady.Add(rows / epochClock.Elapsed.TotalSeconds);
            OursRss.Add(ResidentMegabytes());
        }
        network.eval();
        var oursTotal = total.Elapsed.TotalSeconds;
        optimizer.Dispose();
        network.Dispose();
        all.Dispose();
        trainIndex.Dispose();
        trainTensor.Dispose();
        featureMin.Dispose();
        featureMax.Dispose();

        return (ours, oursTotal, perEpochSteady);
    }

    private static (Phases, double, List<double>) RawLoop(BenchmarkData data, int rows, int epochs)
    {
        var total = Stopwatch.StartNew();
        // --- The raw loop, step by step.
        var raw = new Phases();
        manual_seed(1);
        var rawNetwork = new AutoencoderNetwork(Canonical.Description());
        rawNetwork.train();
        using var rawGenerator = new Generator(1);
        var x = raw.Time("tensor(values)", () => tensor(data.Train.Pixels, new long[] { rows, Canonical.InputSize }));
        var rawOptimizer = optim.Adam(rawNetwork.parameters(), Canonical.LearningRate);
        var rawSteady = new List<double>();
        RawRss.Clear();
        RawRss.Add(ResidentMegabytes());
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            using var permutation = randperm(rows, generator: rawGenerator);
            for (var start = 0; start < rows; start += Canonical.BatchSize)
            {
                var scope = raw.Time("NewDisposeScope", () => NewDisposeScope());
                var batch = raw.Time("index_select batch", () => x.index_select(0, permutation.narrow(0, start, Math.Min(Canonical.BatchSize, rows - start))));
                raw.Time("zero_grad", () => rawOptimizer.zero_grad());
                var loss = raw.Time("forward + loss", () => nn.functional.mse_loss(rawNetwork.forward(batch), batch));
                raw.Time("backward", () => loss.backward());
                raw.Time("optimizer.step", () => rawOptimizer.step());
                raw.Time("scope.Dispose", () => scope.Dispose());
            }
            if (epoch > 0)
                rawSteady.Add(rows / epochClock.Elapsed.TotalSeconds);
            RawRss.Add(ResidentMegabytes());
        }
        var rawTotal = total.Elapsed.TotalSeconds;
        rawOptimizer.Dispose();
        rawNetwork.Dispose();
        x.Dispose();

        return (raw, rawTotal, rawSteady);
    }
}
