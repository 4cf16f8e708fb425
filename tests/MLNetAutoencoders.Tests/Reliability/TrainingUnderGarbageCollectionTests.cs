using Microsoft.ML;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Reliability;

/// <summary>
/// A service trains while its other threads allocate: garbage collections and finalizers run in the middle of
/// training's native calls. The model must not depend on when they happen. (The race this is about, TorchSharp
/// freeing an implicitly converted Scalar in its finalizer while libtorch reads it, is too rare to be caught here
/// reliably: <see cref="ImplicitScalarTests"/> guards its cause by reading the code.)
/// </summary>
public class TrainingUnderGarbageCollectionTests
{
    public static TheoryData<string> Objectives() =>
    [
        "undercomplete-bce", "denoising-gaussian", "denoising-masking", "denoising-saltandpepper", "sparse", "ksparse",
        "contractive", "variational-gaussian", "variational-bernoulli",
    ];

    [Theory]
    [MemberData(nameof(Objectives))]
    public void EveryObjectiveTrainsTheSameModelWhileAnotherThreadForcesCollectionsAndFinalizers(string objective)
    {
        var rows = SyntheticData.Manifold(300, seed: 5).Select(r => r.Select(v => 1 / (1 + MathF.Exp(-v))).ToArray()).ToArray();

        var quiet = TrainAndEmbed(rows, objective);
        float[][] underPressure;
        using (var pressure = new CollectionPressure())
        {
            underPressure = TrainAndEmbed(rows, objective);
            Assert.True(pressure.Collections >= 3, $"only {pressure.Collections} forced collections ran during training");
        }

        Assert.Equal(quiet, underPressure);
    }

    private static float[][] TrainAndEmbed(float[][] rows, string objective)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(rows);
        var options = new AutoencoderOptions
        {
            LatentDimension = 4,
            HiddenLayerSizes = [12],
            OutputActivation = Activation.Sigmoid,
            NumberOfEpochs = 4,
            BatchSize = 16,
            Seed = 11,
        };
        switch (objective)
        {
            case "undercomplete-bce": options.Loss = ReconstructionLoss.BinaryCrossEntropy; break;
            case "denoising-gaussian": options.Kind = AutoencoderKind.Denoising; options.Corruption = CorruptionKind.Gaussian; break;
            case "denoising-masking": options.Kind = AutoencoderKind.Denoising; options.Corruption = CorruptionKind.Masking; break;
            case "denoising-saltandpepper": options.Kind = AutoencoderKind.Denoising; options.Corruption = CorruptionKind.SaltAndPepper; break;
            case "sparse": options.Kind = AutoencoderKind.Sparse; options.SparsityL1Weight = 1e-3f; break;
            case "ksparse": options.Kind = AutoencoderKind.KSparse; options.KSparseK = 2; break;
            case "contractive": options.Kind = AutoencoderKind.Contractive; break;
            case "variational-gaussian": options.Kind = AutoencoderKind.Variational; options.KLWarmupEpochs = 2; break;
            case "variational-bernoulli": options.Kind = AutoencoderKind.Variational; options.Likelihood = VaeLikelihood.Bernoulli; break;
            default: throw new ArgumentOutOfRangeException(nameof(objective), objective, "Unknown objective.");
        }
        using var model = ml.Transforms.Autoencoder(options).Fit(data);
        return model.Transform(data).VectorColumn("Embedding");
    }

    /// <summary>A thread that allocates and forces full collections and finalizers until disposed.</summary>
    private sealed class CollectionPressure : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Thread thread;
        private int collections;

        public CollectionPressure()
        {
            thread = new Thread(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    _ = new byte[64 * 1024];
                    GC.Collect(2, GCCollectionMode.Forced, blocking: true);
                    GC.WaitForPendingFinalizers();
                    Interlocked.Increment(ref collections);
                }
            }) { IsBackground = true, Name = "collection pressure" };
            thread.Start();
        }

        public int Collections => Volatile.Read(ref collections);

        public void Dispose()
        {
            stop.Cancel();
            thread.Join();
            stop.Dispose();
        }
    }
}
