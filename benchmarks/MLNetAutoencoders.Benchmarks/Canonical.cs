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

/// <summary>
/// The network a <c>speed</c> or <c>quality</c> run measures (<c>--network mlp|conv</c>): how ours is configured,
/// the description the raw TorchSharp loop builds the same module from, and the reference script's architecture argument.
/// </summary>
/// <param name="Name">The <c>--network</c> value; also the results file's suffix for the non-default network.</param>
/// <param name="Label">The model's name in tables and logs, at a 32-D code.</param>
/// <param name="ReferenceArch">The reference script's 6th argument; null runs it as before (MLP, no architecture lines).</param>
internal sealed record BenchmarkNetwork(string Name, string Label, string? ReferenceArch)
{
    /// <summary>The image the convolutional network reads: one Fashion-MNIST plane.</summary>
    public static readonly ImageShape Image = new(1, 28, 28);

    /// <summary>Its default stages (design §3): 1 → 32 → 64 channels, 28 → 14 → 7.</summary>
    public static readonly int[] DefaultChannels = [32, 64];

    /// <summary>
    /// The convolutional network's stages: <see cref="DefaultChannels"/> unless <c>--channels</c> gives others
    /// (<see cref="WithChannels"/>); read for the convolutional network only.
    /// </summary>
    public int[] Channels { get; private init; } = DefaultChannels;

    /// <summary>Its dense layers between the flattened maps (64 x 7 x 7) and a 32-D code: none.</summary>
    public static readonly int[] Dense = [];

    /// <summary>
    /// Its dense layers before a 2-D code (a map): the MLP AE-2's hidden layers (784-512-256-2). The README's advice for
    /// 2-D maps (20 epochs, seed 1: PyTorch's conv network with them 5-NN 0.7185; ours without them 0.616).
    /// </summary>
    public static readonly int[] MapDense = [512, 256];

    /// <summary>
    /// Epochs of the 2-D maps in <c>quality --network conv --maps</c>, ours conv and MLP alike: a 2-D code keeps separating the
    /// classes after 20 epochs (PyTorch's conv network with <see cref="MapDense"/>, seed 1, 5-NN test accuracy 0.7185
    /// after 20 epochs, 0.7458 after 50).
    /// </summary>
    public const int MapEpochs = 50;

    /// <summary>The dense layers for a code of <paramref name="latent"/> units: <see cref="MapDense"/> for 2, else <see cref="Dense"/>.</summary>
    public static int[] DenseLayers(int latent) => latent == 2 ? MapDense : Dense;

    /// <summary>FMNIST-MLP-32, the canonical network (<see cref="Canonical"/>): today's files and tables.</summary>
    public static readonly BenchmarkNetwork Mlp = new("mlp", "FMNIST-MLP-32", null);

    /// <summary>The convolutional autoencoder of issue 15 with the same training settings as <see cref="Canonical"/>.</summary>
    public static readonly BenchmarkNetwork Conv = new("conv", "FMNIST-Conv-32", "conv");

    public bool IsConvolutional => ReferenceArch == "conv";

    /// <summary>Whether the stages are other than <see cref="DefaultChannels"/> (<c>--channels</c>).</summary>
    public bool HasOtherChannels => !Channels.SequenceEqual(DefaultChannels);

    /// <summary>
    /// The convolutional network with other stages (<c>--channels 64,128</c>): the same image, dense layers and training,
    /// measured into a results file of its own (<see cref="ResultsName"/>).
    /// </summary>
    public BenchmarkNetwork WithChannels(int[] channels)
    {
        if (!IsConvolutional)
            throw new ArgumentException($"--channels applies to --network conv only, not {Name}.");
        if (channels.Length != 2 || channels.Any(c => c <= 0))
            throw new ArgumentException($"--channels takes two positive sizes like 64,128 (the reference script and the raw loop build two stages); got {string.Join(',', channels)}.");
        return this with { Channels = channels };
    }

    /// <summary>
    /// Whether a speed repeat times ours and the raw loop twice each: the convolutional network does, in ABBA order (ours,
    /// raw, raw, ours; the next repeat starts with raw), pooled, as the streaming throughput does: within one run its raw
    /// loop alone swung from 1,773 to 3,386 samples/s (results/speed-conv.json at 12ff5e0), a drift that one Fit a side
    /// turns into a ratio. The MLP keeps one a side (results/speed.json was measured so).
    /// </summary>
    public bool FitsInAbbaPairs => IsConvolutional;

    /// <summary>The <c>--network</c> value's network.</summary>
    public static BenchmarkNetwork Parse(string name) => name switch
    {
        "mlp" => Mlp,
        "conv" => Conv,
        _ => throw new ArgumentException($"--network is mlp or conv, not '{name}'."),
    };

    /// <summary>
    /// The results file: <c>speed</c> for the MLP, <c>speed-conv</c> for the convolutional network, <c>quality-conv-64-128</c>
    /// for it with other stages.
    /// </summary>
    public string ResultsName(string command) =>
        !IsConvolutional ? command : HasOtherChannels ? $"{command}-{Name}-{string.Join('-', Channels)}" : $"{command}-{Name}";

    /// <summary>Our options: <see cref="Canonical.Options"/>, with the image shape and channels for the convolutional network.</summary>
    public AutoencoderOptions Options(int epochs, int latent = 32, int seed = 1, IProgress<AutoencoderTrainingProgress>? progress = null)
    {
        var options = Canonical.Options(epochs, latent, seed, progress);
        if (IsConvolutional)
        {
            options.ImageShape = Image;
            options.ConvolutionChannels = Channels;
            options.HiddenLayerSizes = DenseLayers(latent);
        }
        return options;
    }

    /// <summary>The description ours builds from <see cref="Options"/> (undercomplete, ReLU, identity code, sigmoid output).</summary>
    public NetworkDescription Description(int latent = 32) => IsConvolutional
        ? new(AutoencoderKind.Undercomplete, Canonical.InputSize, DenseLayers(latent), latent, Activation.Relu, Activation.Identity, Activation.Sigmoid, 0,
            ConvolutionLayout.Create(Image, Channels))
        : Canonical.Description(latent);
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

        public double SteadySamplesPerSecond(int rows) => RawTorch.SteadySamplesPerSecond(EpochSeconds, rows);
    }

    /// <summary>
    /// Shuffled mini-batches by index_select from one [n, 784] tensor, Adam, MSE, one dispose scope per batch;
    /// the loss is read once per epoch, from its last batch (like the PyTorch script). The module is
    /// <c>new AutoencoderNetwork(network.Description(latent))</c>: for the convolutional network the same im2col
    /// convolutions as ours.
    /// </summary>
    public static TrainResult Train(float[] pixels, int rows, int epochs, int latent = 32, int seed = 1, bool echo = false, BenchmarkNetwork? network = null)
    {
        manual_seed(seed);
        var module = new AutoencoderNetwork((network ?? BenchmarkNetwork.Mlp).Description(latent));
        var (seconds, last) = Loop(module, module.forward, pixels, rows, epochs, seed, echo ? "raw" : null);
        module.eval();
        return new TrainResult(module, seconds, last);
    }

    /// <summary>
    /// The same loop on the convolutional network built from TorchSharp's own nn.Conv2d / nn.ConvTranspose2d, whose
    /// forward runs libtorch's native (oneDNN) kernels: wrong on this CPU for some shapes (AVX-512; design §14), so for
    /// speed context only. Same layers, shapes and parameter count as <see cref="BenchmarkNetwork.Conv"/>; PyTorch's
    /// default initialisation. Returns the seconds of each epoch.
    /// </summary>
    public static double[] TrainNativeConvolutions(float[] pixels, int rows, int epochs, int latent = 32, int seed = 1, bool echo = false)
    {
        manual_seed(seed);
        var image = BenchmarkNetwork.Image;
        int c0 = image.Channels, c1 = BenchmarkNetwork.DefaultChannels[0], c2 = BenchmarkNetwork.DefaultChannels[1];
        long side = image.Height / 4, flat = c2 * side * side;
        long[] widths = [flat, .. BenchmarkNetwork.DenseLayers(latent).Select(d => (long)d)];
        var layers = new List<nn.Module<Tensor, Tensor>>
        {
            nn.Unflatten(1, [c0, image.Height, image.Width]),
            nn.Conv2d(c0, c1, 3, stride: 2, padding: 1), nn.ReLU(),
            nn.Conv2d(c1, c2, 3, stride: 2, padding: 1), nn.ReLU(),
            nn.Flatten(),
        };
        for (var i = 0; i + 1 < widths.Length; i++)
            layers.AddRange([nn.Linear(widths[i], widths[i + 1]), nn.ReLU()]);
        layers.AddRange([nn.Linear(widths[^1], latent), nn.Linear(latent, widths[^1]), nn.ReLU()]);
        for (var i = widths.Length - 1; i > 0; i--)
            layers.AddRange([nn.Linear(widths[i], widths[i - 1]), nn.ReLU()]);
        layers.AddRange([
            nn.Unflatten(1, [c2, side, side]),
            nn.ConvTranspose2d(c2, c1, 3, stride: 2, padding: 1, output_padding: 1), nn.ReLU(),
            nn.ConvTranspose2d(c1, c0, 3, stride: 2, padding: 1, output_padding: 1), nn.Sigmoid(),
            nn.Flatten()]);
        using var module = nn.Sequential(layers);
        var parameters = module.parameters().Sum(p => p.numel());
        var expected = BenchmarkNetwork.Conv.Description(latent).ParameterCount;
        if (parameters != expected)
            throw new InvalidOperationException($"The native-convolution network has {parameters} parameters; ours {expected}.");
        return Loop(module, module.forward, pixels, rows, epochs, seed, echo ? "native conv" : null).Seconds;
    }

    private static (double[] Seconds, float Last) Loop(nn.Module module, Func<Tensor, Tensor> forward, float[] pixels, int rows, int epochs, int seed, string? echo)
    {
        module.train();
        using var generator = new Generator((ulong)seed);
        using var x = tensor(pixels, new long[] { rows, Canonical.InputSize });
        using var optimizer = optim.Adam(module.parameters(), Canonical.LearningRate);
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
                var loss = nn.functional.mse_loss(forward(batch), batch);
                loss.backward();
                optimizer.step();
                if (start + Canonical.BatchSize >= rows)
                    last = loss.item<float>();
            }
            seconds[epoch] = clock.Elapsed.TotalSeconds;
            if (echo is not null)
                Console.WriteLine($"    {echo} epoch {epoch + 1}/{epochs} loss {last:F5} {seconds[epoch]:F1}s");
        }
        return (seconds, last);
    }

    /// <summary>Training samples/s over the epochs after the first.</summary>
    public static double SteadySamplesPerSecond(double[] epochSeconds, int rows) =>
        rows / (epochSeconds.Length > 1 ? epochSeconds.Skip(1).Average() : epochSeconds[0]);

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
