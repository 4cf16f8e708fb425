using System.Diagnostics;
using Microsoft.ML;
using MLNetAutoencoders.SampleData;
using TorchSharp;
using MLNetAutoencoders.Networks;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Benchmarks;

/// <summary>
/// The canonical benchmark FMNIST-MLP-32: 784-512-256-32 encoder mirrored by the decoder, ReLU, sigmoid output,
/// MSE, Adam 1e-3, batch 256, full Fashion-MNIST.
/// </summary>
internal static class Canonical
{
    public const int InputSize = FashionMnistSplit.PixelCount;
    public const int BatchSize = 256;
    public const double LearningRate = 1e-3;
    public static readonly int[] HiddenSizes = [512, 256];

    public static AutoencoderOptions Options(int epochs, int latent = 32, int seed = 1, IProgress<AutoencoderTrainingProgress>? progress = null) => new()
    {
        LatentDimension = latent,
        HiddenLayerSizes = HiddenSizes,
        HiddenActivation = Activation.Relu,
        OutputActivation = Activation.Sigmoid,
        Loss = ReconstructionLoss.MeanSquaredError,
        Optimizer = OptimizerKind.Adam,
        LearningRate = LearningRate,
        BatchSize = BatchSize,
        NumberOfEpochs = epochs,
        Seed = seed,
        Progress = progress,
    };

    public static NetworkDescription Description(int latent = 32) =>
        new(AutoencoderKind.Undercomplete, InputSize, HiddenSizes, latent, Activation.Relu, Activation.Identity, Activation.Sigmoid);
}

/// <summary>The data every benchmark shares, loaded once.</summary>
internal sealed class BenchmarkData
{
    private BenchmarkData(FashionMnistSplit train, FashionMnistSplit test)
    {
        Train = train;
        Test = test;
    }

    public FashionMnistSplit Train { get; }

    public FashionMnistSplit Test { get; }

    public static BenchmarkData Load(int? trainRows = null)
    {
        var train = FashionMnist.Load(FashionMnistSplitName.Train, trainRows);
        var test = FashionMnist.Load(FashionMnistSplitName.Test);
        Console.WriteLine($"Data: {train.Source}; {test.Source}");
        if (train.IsEmbeddedSubset)
            Console.WriteLine("WARNING: the full Fashion-MNIST is not installed (apt-get install -y dataset-fashion-mnist): figures are for the embedded subset and not comparable with the reference.");
        return new BenchmarkData(train, test);
    }
}

/// <summary>Records an epoch's elapsed time as the trainer reports it, synchronously.</summary>
internal sealed class EpochClock : IProgress<AutoencoderTrainingProgress>
{
    private readonly bool echo;

    public EpochClock(bool echo) => this.echo = echo;

    public List<AutoencoderTrainingProgress> Reports { get; } = new();

    public void Report(AutoencoderTrainingProgress value)
    {
        Reports.Add(value);
        if (echo)
            Console.WriteLine($"    epoch {value.Epoch}/{value.NumberOfEpochs} loss {value.TrainingLoss:F5} {value.Elapsed.TotalSeconds:F1}s");
    }

    /// <summary>Samples per second over the epochs after the first.</summary>
    public double SteadySamplesPerSecond(int rows)
    {
        if (Reports.Count < 2)
            return rows / Reports[0].Elapsed.TotalSeconds;
        var seconds = (Reports[^1].Elapsed - Reports[0].Elapsed).TotalSeconds;
        return rows * (Reports.Count - 1) / seconds;
    }
}

/// <summary>
/// The raw TorchSharp yardsticks: the same network class, in-memory tensors, no ML.NET. These are what a
/// hand-written TorchSharp program would do and what the PyTorch reference script does.
/// </summary>
internal static class RawTorch
{
    public sealed record TrainResult(AutoencoderNetwork Network, double[] EpochSeconds, float LastLoss) : IDisposable
    {
        public void Dispose() => Network.Dispose();

        public double SteadySamplesPerSecond(int rows) =>
            rows / (EpochSeconds.Length > 1 ? EpochSeconds.Skip(1).Average() : EpochSeconds[0]);
    }

    /// <summary>
    /// Shuffled mini-batches by index_select from one [n, 784] tensor, Adam, MSE, one dispose scope per batch;
    /// the loss is read once per epoch, from its last batch (like the PyTorch script).
    /// </summary>
    public static TrainResult Train(float[] pixels, int rows, int epochs, int latent = 32, int seed = 1, bool echo = false)
    {
        manual_seed(seed);
        var network = new AutoencoderNetwork(Canonical.Description(latent));
        network.train();
        using var generator = new Generator((ulong)seed);
        using var x = tensor(pixels, new long[] { rows, Canonical.InputSize });
        using var optimizer = optim.Adam(network.parameters(), Canonical.LearningRate);
        var seconds = new double[epochs];
        var last = 0f;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            using var permutation = randperm(rows, generator: generator);
            for (var start = 0; start < rows; start += Canonical.BatchSize)
            {
                using var scope = NewDisposeScope();
                var batch = x.index_select(0, permutation.narrow(0, start, Math.Min(Canonical.BatchSize, rows - start)));
                optimizer.zero_grad();
                var loss = nn.functional.mse_loss(network.forward(batch), batch);
                loss.backward();
                optimizer.step();
                if (start + Canonical.BatchSize >= rows)
                    last = loss.item<float>();
            }
            seconds[epoch] = clock.Elapsed.TotalSeconds;
            if (echo)
                Console.WriteLine($"    raw epoch {epoch + 1}/{epochs} loss {last:F5} {seconds[epoch]:F1}s");
        }
        network.eval();
        return new TrainResult(network, seconds, last);
    }

    /// <summary>Encoder forward over a [n, 784] tensor in batches of <paramref name="batchSize"/>, no grad; returns rows/s.</summary>
    public static double EncodeRowsPerSecond(AutoencoderNetwork network, Tensor x, int batchSize, int passes)
    {
        using var noGrad = no_grad();
        var rows = x.shape[0];
        var clock = Stopwatch.StartNew();
        for (var pass = 0; pass < passes; pass++)
        {
            for (long start = 0; start < rows; start += batchSize)
            {
                using var scope = NewDisposeScope();
                network.Code(network.EncoderOutput(x.narrow(0, start, Math.Min(batchSize, rows - start))));
            }
        }
        return passes * rows / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The same, but from and to managed arrays (what any IDataView-fed scorer must also do): copies each batch
    /// into a fresh tensor and the codes back out.
    /// </summary>
    public static double EncodeFromArraysRowsPerSecond(AutoencoderNetwork network, float[] pixels, int rows, int batchSize, int passes)
    {
        using var noGrad = no_grad();
        var latent = network.Description.LatentDimension;
        var output = new float[batchSize * latent];
        var clock = Stopwatch.StartNew();
        for (var pass = 0; pass < passes; pass++)
        {
            for (var start = 0; start < rows; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var count = Math.Min(batchSize, rows - start);
                var input = empty(count, Canonical.InputSize);
                input.data<float>().CopyFrom(pixels.AsSpan(start * Canonical.InputSize, count * Canonical.InputSize), 0, 0);
                network.Code(network.EncoderOutput(input)).data<float>().CopyTo(output, 0, 0);
            }
        }
        return passes * rows / clock.Elapsed.TotalSeconds;
    }
}
