using Microsoft.ML;
using MLNetAutoencoders.Tests.Infrastructure;
using MLNetAutoencoders.Training;
using Xunit;
using MLNetAutoencoders.Networks;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Embedding;

public abstract partial class VariantClaims
{
    /// <summary>Posterior statistics of a VAE on the test rows.</summary>
    private sealed record Posterior(float[][] Mean, float[][] Sigma2, double KL)
    {
        /// <summary>Per unit: the mean of mu over rows.</summary>
        public double[] MeanOfMu => Enumerable.Range(0, Mean[0].Length).Select(u => Mean.Average(r => (double)r[u])).ToArray();

        /// <summary>Per unit: the aggregate posterior's variance, Var(mu) + E[sigma²] over rows.</summary>
        public double[] AggregateVariance => Enumerable.Range(0, Mean[0].Length)
            .Select(u => Variance(Mean.Select(r => r[u])) + Sigma2.Average(r => (double)r[u])).ToArray();
    }

    private static Posterior PosteriorOf(AutoencoderNetwork network, float[][] rows)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var encoded = network.EncoderOutput(AsTensor(rows));
        var mean = network.Mean(encoded);
        var logVariance = network.LogVariance(encoded);
        var kl = (-0.5f * (1 + logVariance - mean.square() - logVariance.exp()).sum(1)).mean().item<float>();
        return new Posterior(AsRows(mean), AsRows(logVariance.exp()), kl);
    }

    [Fact]
    public void VariationalEmbeddingIsThePosteriorMean()
    {
        using var model = Fit(Options(AutoencoderKind.Variational, latent: 2));

        var embedding = Score(model, Test, "Embedding");
        var posterior = PosteriorOf(model.Module, Test);
        for (var i = 0; i < Test.Length; i++)
            for (var j = 0; j < 2; j++)
                Assert.Equal(posterior.Mean[i][j], embedding[i][j], 1e-5);
    }

    // The KL term of the ELBO (Kingma & Welling 2014) pulls q(z|x) towards N(0, I). Control: beta = 0, same seed.
    // With the term, the aggregate posterior (the mixture of q(z|x) over the data) matches the prior's first two
    // moments per unit: E[mu] = 0 and Var(mu) + E[sigma²] = 1 hold at the optimum for a decoder that can absorb a
    // shift and a scale of z, and hold whether a unit carries information or has collapsed to the prior.
    [Fact]
    public void VariationalKLTermPullsTheAggregatePosteriorToTheStandardNormal()
    {
        var elbo = Options(AutoencoderKind.Variational, latent: 2);
        elbo.Beta = 1;
        var noKL = Options(AutoencoderKind.Variational, latent: 2);
        noKL.Beta = 0;
        using var elboModel = Fit(elbo);
        using var noKLModel = Fit(noKL);

        var withTerm = PosteriorOf(elboModel.Module, Test);
        var withoutTerm = PosteriorOf(noKLModel.Module, Test);
        Report($"KL beta=1 {withTerm.KL} vs beta=0 {withoutTerm.KL}");
        Report($"beta=1: E[mu] {string.Join(", ", withTerm.MeanOfMu)}; Var(mu)+E[s²] {string.Join(", ", withTerm.AggregateVariance)}");
        Report($"beta=0: E[mu] {string.Join(", ", withoutTerm.MeanOfMu)}; Var(mu)+E[s²] {string.Join(", ", withoutTerm.AggregateVariance)}");
        Assert.True(withTerm.KL < 0.5 * withoutTerm.KL, $"KL(q(z|x) || N(0, I)) at beta = 1: {withTerm.KL}, at beta = 0: {withoutTerm.KL}");
        Assert.All(withTerm.MeanOfMu, m => Assert.InRange(m, -0.2, 0.2));
        Assert.All(withTerm.AggregateVariance, v => Assert.InRange(v, 0.75, 1.25));
    }

    // Reparameterised sampling (z = mu + sigma * eps in training) teaches the decoder the whole posterior: codes
    // drawn from q(z|x) reconstruct x nearly as well as its mean, and the informative units' posteriors are
    // narrower than the prior. Trained on the mean alone, the KL term is free to widen sigma to 1.
    [Fact]
    public void VariationalDecoderReconstructsFromPosteriorSamplesNotOnlyFromTheMean()
    {
        using var model = Fit(Options(AutoencoderKind.Variational, latent: 2));

        var posterior = PosteriorOf(model.Module, Test);
        float[][] sampled;
        using (var scope = NewDisposeScope())
        using (no_grad())
        using (var generator = new Generator(5))
        {
            var mean = AsTensor(posterior.Mean);
            var z = mean + randn(mean.shape, generator: generator) * AsTensor(posterior.Sigma2).sqrt();
            sampled = AsRows(model.Module.Decode(z));
        }
        var sampleError = SyntheticData.MeanSquaredError(sampled, Test);
        var meanError = ReconstructionError(model, Test);
        var variance = Enumerable.Range(0, 2).Select(u => posterior.Sigma2.Average(r => (double)r[u])).ToArray();
        Report($"MSE from a sample {sampleError} vs from the mean {meanError}; E[sigma²] {string.Join(", ", variance)}; data variance {Enumerable.Range(0, Features).Average(j => Variance(Test.Select(r => r[j])))}");
        Assert.True(sampleError < 2 * meanError, $"MSE from a posterior sample {sampleError} vs from the mean {meanError}");
        Assert.True(variance.Average() < 0.75, $"mean posterior variance {variance.Average()}: no narrower than the prior");
    }

    // The Bernoulli likelihood's reconstruction term is the binary cross-entropy, whose minimum for a target p is the
    // entropy H(p); the excess BCE - H(p) = KL(Bernoulli(p) || Bernoulli(reconstruction)) is what training lowers.
    // The Bernoulli VAE must make it clearly smaller than the best constant (the feature means) does, and than a
    // Gaussian-likelihood VAE with the same network and seed, whose unit-variance likelihood is too weak on values
    // in [0, 1] to hold its code against the KL term (measured: it reconstructs no better than the feature means).
    [Fact]
    public void BernoulliVaeReconstructsUnitIntervalDataBetterThanTheFeatureMeansAndTheGaussianVae()
    {
        var unit = ToUnitInterval(Train);
        var unitTest = ToUnitInterval(Test);
        AutoencoderOptions Vae(VaeLikelihood likelihood)
        {
            var options = Options(AutoencoderKind.Variational, latent: 2);
            options.Likelihood = likelihood;
            options.OutputActivation = Activation.Sigmoid;
            return options;
        }
        using var bernoulli = Fit(Vae(VaeLikelihood.Bernoulli), unit);
        using var gaussian = Fit(Vae(VaeLikelihood.Gaussian), unit);

        var featureMeans = Enumerable.Range(0, Features).Select(j => unit.Average(r => r[j])).ToArray();
        var constant = ExcessCrossEntropy(unitTest.Select(_ => featureMeans).ToArray(), unitTest);
        var bernoulliExcess = ExcessCrossEntropy(Score(bernoulli, unitTest, "Reconstruction"), unitTest);
        var gaussianExcess = ExcessCrossEntropy(Score(gaussian, unitTest, "Reconstruction"), unitTest);
        Report($"excess BCE: Bernoulli {bernoulliExcess}, Gaussian {gaussianExcess}, feature means {constant}");
        Assert.True(bernoulliExcess < 0.75 * constant, $"excess BCE: Bernoulli VAE {bernoulliExcess} vs feature means {constant}");
        Assert.True(bernoulliExcess < 0.75 * gaussianExcess, $"excess BCE: Bernoulli VAE {bernoulliExcess} vs Gaussian VAE {gaussianExcess}");
    }

    /// <summary>Mean over values of BCE(target, prediction) - H(target), i.e. KL(Bernoulli(target) || Bernoulli(prediction)).</summary>
    private static double ExcessCrossEntropy(float[][] predictions, float[][] targets)
    {
        static double XLogY(double x, double y) => x == 0 ? 0 : x * Math.Log(y);
        return predictions.Zip(targets).Average(p => p.First.Zip(p.Second).Average(q =>
        {
            var y = Math.Clamp(q.First, 1e-6, 1 - 1e-6);
            double t = q.Second;
            return XLogY(t, t / y) + XLogY(1 - t, (1 - t) / (1 - y));
        }));
    }
}
