using Microsoft.ML;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Tests.Infrastructure;
using MLNetAutoencoders.Training;
using Xunit;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Embedding;

/// <summary>Each variant does what its paper says.</summary>
public class VariantTests
{
    private static readonly float[][] Train = SyntheticData.Manifold(768, seed: 1);
    private static readonly float[][] Test = SyntheticData.Manifold(256, seed: 2);

    private static AutoencoderOptions Options(AutoencoderKind kind, int latent = 8) => new()
    {
        Kind = kind,
        LatentDimension = latent,
        HiddenLayerSizes = [32],
        HiddenActivation = Activation.Tanh,
        NumberOfEpochs = 30,
        BatchSize = 32,
        LearningRate = 3e-3,
        Seed = 11,
    };

    private static AutoencoderEmbeddingTransformer Fit(AutoencoderOptions options)
    {
        var ml = new MLContext(seed: 1);
        return ml.Transforms.Autoencoder(options).Fit(ml.ToDataView(Train));
    }

    private static float[][] Score(AutoencoderEmbeddingTransformer model, float[][] rows, string column) =>
        model.Transform(new MLContext().ToDataView(rows)).VectorColumn(column);

    [Theory]
    [InlineData(1f, 3)]
    [InlineData(2f, 6)]
    public void KSparseCodesKeepExactlyAlphaTimesKUnits(float alpha, int expectedNonZeros)
    {
        var options = Options(AutoencoderKind.KSparse, latent: 12);
        options.KSparseK = 3;
        options.KSparseScoringAlpha = alpha;
        using var model = Fit(options);

        var codes = Score(model, Test, "Embedding");
        Assert.All(codes, code => Assert.Equal(expectedNonZeros, code.Count(v => v != 0)));
        Assert.Equal(expectedNonZeros, model.Network.ScoringTopK);
    }

    [Fact]
    public void KSparseAnnealsKLinearlyOverTheFirstHalfOfTraining()
    {
        var schedule = new KSparseSchedule(initialK: 100, finalK: 20, totalEpochs: 10);

        Assert.Equal(new[] { 100, 84, 68, 52, 36, 20, 20, 20, 20, 20 }, Enumerable.Range(0, 10).Select(schedule.KAt));
    }

    [Fact]
    public void SparseMeanActivationApproachesTheTargetRho()
    {
        var sparse = Options(AutoencoderKind.Sparse);
        sparse.SparsityTarget = 0.05f;
        sparse.SparsityKLWeight = 0.5f;
        var unregularised = Options(AutoencoderKind.Sparse);
        unregularised.SparsityKLWeight = 0;
        using var sparseModel = Fit(sparse);
        using var plainModel = Fit(unregularised);

        var sparseMean = Score(sparseModel, Test, "Embedding").SelectMany(c => c).Average();
        var plainMean = Score(plainModel, Test, "Embedding").SelectMany(c => c).Average();
        Assert.InRange(sparseMean, 0.02, 0.09);
        Assert.True(plainMean > 0.2, $"without the KL penalty the sigmoid code averages {plainMean}");
    }

    [Fact]
    public void SparseL1PenaltyShrinksTheCode()
    {
        var l1 = Options(AutoencoderKind.Sparse);
        l1.SparsityKLWeight = 0;
        l1.SparsityL1Weight = 0.05f;
        l1.LatentActivation = Activation.Relu;
        var plain = Options(AutoencoderKind.Sparse);
        plain.SparsityKLWeight = 0;
        plain.LatentActivation = Activation.Relu;
        using var l1Model = Fit(l1);
        using var plainModel = Fit(plain);

        double L1(AutoencoderEmbeddingTransformer m) => Score(m, Test, "Embedding").Average(c => c.Sum(Math.Abs));
        Assert.True(L1(l1Model) < 0.5 * L1(plainModel), $"L1 norm {L1(l1Model)} vs {L1(plainModel)} without the penalty");
    }

    [Fact]
    public void ContractiveJacobianNormIsLowerThanTheUndercompleteOnesAtEqualSettings()
    {
        var contractive = Options(AutoencoderKind.Contractive, latent: 4);
        contractive.ContractiveWeight = 0.5f;
        using var contractiveModel = Fit(contractive);
        using var plainModel = Fit(Options(AutoencoderKind.Undercomplete, latent: 4));

        var contracted = JacobianFrobeniusSquared(contractiveModel.Model, Test);
        var plain = JacobianFrobeniusSquared(plainModel.Model, Test);
        Assert.True(contracted < 0.5 * plain, $"||J||² contractive {contracted} vs undercomplete {plain}");
    }

    /// <summary>Exact mean over rows of ||d code / d x||_F², one backward pass per code unit.</summary>
    private static double JacobianFrobeniusSquared(AutoencoderNetwork network, float[][] rows)
    {
        using var scope = NewDisposeScope();
        var x = tensor(rows.SelectMany(r => r).ToArray(), new long[] { rows.Length, rows[0].Length }).requires_grad_(true);
        var code = network.Code(network.EncoderOutput(x));
        double total = 0;
        for (var j = 0; j < code.shape[1]; j++)
        {
            var grad = autograd.grad(new[] { code.select(1, j).sum() }, new[] { x }, retain_graph: true)[0];
            total += grad.square().sum().item<float>();
        }
        return total / rows.Length;
    }

    [Fact]
    public void DenoisingReconstructsCorruptedInputsBetterThanTheUndercomplete()
    {
        var denoising = Options(AutoencoderKind.Denoising, latent: 12);
        denoising.Corruption = CorruptionKind.Gaussian;
        denoising.CorruptionLevel = 0.3f;
        using var denoisingModel = Fit(denoising);
        using var plainModel = Fit(Options(AutoencoderKind.Undercomplete, latent: 12));

        var noise = new Random(5);
        var corrupted = Test.Select(r => r.Select(v => v + 0.3f * Gaussian(noise)).ToArray()).ToArray();
        var denoised = SyntheticData.MeanSquaredError(Score(denoisingModel, corrupted, "Reconstruction"), Test);
        var plain = SyntheticData.MeanSquaredError(Score(plainModel, corrupted, "Reconstruction"), Test);
        Assert.True(denoised < 0.8 * plain, $"MSE to the clean input: denoising {denoised} vs undercomplete {plain}");
    }

    [Theory]
    [InlineData(CorruptionKind.Masking)]
    [InlineData(CorruptionKind.SaltAndPepper)]
    public void EveryCorruptionKindCorruptsTheLevelsFractionOfFeatures(CorruptionKind kind)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var clean = full(new long[] { 200, 50 }, 0.5f);
        var corruption = new Corruption(kind, 0.25f, zeros(1, 50), ones(1, 50), generator);

        var changed = (corruption.Apply(clean) != clean).to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(changed, 0.22f, 0.28f);
    }

    private static float Gaussian(Random random) =>
        MathF.Sqrt(-2 * MathF.Log(1 - random.NextSingle())) * MathF.Cos(2 * MathF.PI * random.NextSingle());

    [Fact]
    public void VariationalEmbeddingIsThePosteriorMeanAndItsKLTermIsNonZero()
    {
        var options = Options(AutoencoderKind.Variational, latent: 2);
        options.Beta = 1;
        using var model = Fit(options);

        var embedding = Score(model, Test, "Embedding");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var network = model.Model;
        var x = tensor(Test.SelectMany(r => r).ToArray(), new long[] { Test.Length, 16 });
        var encoded = network.EncoderOutput(x);
        var mean = network.Mean(encoded);
        for (var i = 0; i < Test.Length; i++)
            for (var j = 0; j < 2; j++)
                Assert.Equal(mean[i, j].item<float>(), embedding[i][j], 1e-5);
        var logVariance = network.LogVariance(encoded);
        var kl = (-0.5f * (1 + logVariance - mean.square() - logVariance.exp()).sum(1)).mean().item<float>();
        Assert.True(kl > 0.1f, $"KL(q(z|x) || N(0, I)) = {kl}");
        Assert.True(logVariance.mean().item<float>() < -0.5f, "the posterior should be narrower than the prior");
    }

    [Fact]
    public void KLWarmUpRaisesTheKLWeightLinearlyToBeta()
    {
        var kl = new GaussianKLDivergence(beta: 2f, warmupEpochs: 4);

        Assert.Equal(new[] { 0.5f, 1f, 1.5f, 2f, 2f }, Enumerable.Range(0, 5).Select(kl.WeightAt));
        Assert.Equal(2f, new GaussianKLDivergence(2f, 0).WeightAt(0));
    }

    [Fact]
    public void BernoulliVaeTrainsOnDataInTheUnitInterval()
    {
        var options = Options(AutoencoderKind.Variational, latent: 2);
        options.Likelihood = VaeLikelihood.Bernoulli;
        options.OutputActivation = Activation.Sigmoid;
        var unit = Train.Select(r => r.Select(v => (v + 1) / 2).ToArray()).ToArray();
        var ml = new MLContext(seed: 1);
        using var model = ml.Transforms.Autoencoder(options).Fit(ml.ToDataView(unit));

        Assert.True(model.TrainingLoss[^1] < model.TrainingLoss[0], $"negative ELBO went from {model.TrainingLoss[0]} to {model.TrainingLoss[^1]}");
        Assert.All(Score(model, unit, "Reconstruction").SelectMany(r => r), v => Assert.InRange(v, 0f, 1f));
    }
}
