using MLNetAutoencoders.Tests.Infrastructure;
using MLNetAutoencoders.Training;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Embedding;

/// <summary>
/// The six variants' claims (<see cref="VariantClaims"/>) on a perceptron, 16 -> 32 -> code, tanh, on 768 points of
/// a 2-D curved manifold in 16 dimensions (<see cref="SyntheticData.ManifoldWithTangents"/>); and the mechanisms'
/// own arithmetic (corruption statistics, schedules), which needs no network.
/// </summary>
public class VariantTests(ITestOutputHelper output) : VariantClaims(output)
{
    private static readonly float[][] TrainRows = SyntheticData.Manifold(768, seed: 1);
    private static readonly SyntheticData.ManifoldSample TestRows = SyntheticData.ManifoldWithTangents(256, seed: 2);

    protected override float[][] Train => TrainRows;

    protected override SyntheticData.ManifoldSample TestSample => TestRows;

    protected override void Network(AutoencoderOptions options)
    {
        options.HiddenLayerSizes = [32];
        options.HiddenActivation = Activation.Tanh;
        options.NumberOfEpochs = 30;
        options.BatchSize = 32;
        options.LearningRate = 3e-3;
    }

    // The manifold's values are sines, in [-1, 1].
    protected override float[][] ToUnitInterval(float[][] rows) => rows.Select(r => r.Select(v => (v + 1) / 2).ToArray()).ToArray();

    protected override float ContractiveWeight => 0.0005f;

    // The weight is the largest tried (0.005, 0.01, 0.02, 0.1) that keeps the reconstruction bound.
    protected override float SparsityKLWeight => 0.005f;

    // At 0.0003 the code has 57% zeros (33% without) but 1.6x the error, at 0.0005 65% and 1.8x.
    protected override float SparsityL1Weight => 0.0002f;

    [Fact]
    public void GaussianCorruptionAddsZeroMeanNoiseWithTheLevelAsStandardDeviation()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var clean = full(new long[] { 200, 50 }, 0.5f);
        var corruption = new Corruption(CorruptionKind.Gaussian, 0.25f, zeros(1, 50), ones(1, 50), generator);

        var noise = corruption.Apply(clean) - clean;
        Assert.InRange(noise.mean().item<float>(), -0.01f, 0.01f);
        Assert.InRange(noise.std().item<float>(), 0.24f, 0.26f);
        Assert.InRange((noise != 0).to_type(ScalarType.Float32).mean().item<float>(), 0.999f, 1f);
    }

    [Fact]
    public void MaskingCorruptionZeroesTheLevelsFractionOfFeatures()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var clean = full(new long[] { 200, 50 }, 0.5f);
        var corruption = new Corruption(CorruptionKind.Masking, 0.25f, zeros(1, 50), ones(1, 50), generator);

        var corrupted = corruption.Apply(clean);
        Assert.InRange((corrupted == 0).to_type(ScalarType.Float32).mean().item<float>(), 0.22f, 0.28f);
        Assert.Equal(0, ((corrupted != 0) & (corrupted != clean)).sum().item<long>());
    }

    // Each corrupted value is its feature's training minimum or maximum, at random: about half each.
    [Fact]
    public void SaltAndPepperCorruptionSetsTheLevelsFractionToTheFeatureMaximumOrMinimumHalfEach()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var clean = full(new long[] { 200, 50 }, 0.5f);
        var featureMin = -1 - arange(50, ScalarType.Float32).unsqueeze(0) / 50;
        var featureMax = 2 + arange(50, ScalarType.Float32).unsqueeze(0) / 50;
        var corruption = new Corruption(CorruptionKind.SaltAndPepper, 0.25f, featureMin, featureMax, generator);

        var corrupted = corruption.Apply(clean);
        var atMax = (corrupted == featureMax.expand_as(clean)).to_type(ScalarType.Float32).mean().item<float>();
        var atMin = (corrupted == featureMin.expand_as(clean)).to_type(ScalarType.Float32).mean().item<float>();
        var unchanged = (corrupted == clean).to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(atMax + atMin, 0.22f, 0.28f);
        Assert.Equal(1f, atMax + atMin + unchanged, 5);
        Assert.InRange(atMax / (atMax + atMin), 0.45f, 0.55f);
    }

    [Fact]
    public void KSparseAnnealsKLinearlyOverTheFirstHalfOfTraining()
    {
        var schedule = new KSparseSchedule(initialK: 100, finalK: 20, totalEpochs: 10);

        Assert.Equal(new[] { 100, 84, 68, 52, 36, 20, 20, 20, 20, 20 }, Enumerable.Range(0, 10).Select(schedule.KAt));
    }

    [Fact]
    public void KLWarmUpRaisesTheKLWeightLinearlyToBeta()
    {
        var kl = new GaussianKLDivergence(beta: 2f, warmupEpochs: 4);

        Assert.Equal(new[] { 0.5f, 1f, 1.5f, 2f, 2f }, Enumerable.Range(0, 5).Select(kl.WeightAt));
        Assert.Equal(2f, new GaussianKLDivergence(2f, 0).WeightAt(0));
    }
}
