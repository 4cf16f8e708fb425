using Xunit;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Sampling;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Networks;

/// <summary>
/// The forward math that training, the loss terms and every scorer share (NetworkMath) computes what its formulas say,
/// checked against the same formulas written out in doubles; and the one Gaussian generator gives standard normals.
/// </summary>
public class NetworkMathTests
{
    private static float[] Values(Tensor t) => t.data<float>().ToArray();

    [Fact]
    public void RowMeanSquaredErrorAveragesOverEveryDimensionButTheFirst()
    {
        using var scope = NewDisposeScope();
        var target = arange(0, 24, dtype: ScalarType.Float32).reshape(2, 3, 4);
        var reconstruction = target.clone();
        reconstruction[0, 1, 2] = tensor(10f);   // row 0: (10 - 6)² = 16 in one of 12 values
        reconstruction[1, 2, 3] = tensor(20f);   // row 1: (20 - 23)² = 9

        var threeD = Values(NetworkMath.RowMeanSquaredError(reconstruction, target));
        var twoD = Values(NetworkMath.RowMeanSquaredError(reconstruction.reshape(2, 12), target.reshape(2, 12)));

        Assert.Equal([16f / 12, 9f / 12], threeD);
        Assert.Equal(threeD, twoD);
    }

    [Fact]
    public void GaussianKLIsTheClosedFormPerRowAndZeroForTheStandardNormal()
    {
        using var scope = NewDisposeScope();
        var mean = tensor(new[] { 0f, 0f, 0.5f, -1f, 2f, 0.1f }, [2, 3]);
        var logVariance = tensor(new[] { 0f, 0f, -0.3f, 0.7f, -2f, 0.2f }, [2, 3]);

        var kl = Values(NetworkMath.GaussianKL(mean, logVariance));

        double Expected(int row) => Enumerable.Range(0, 3).Sum(j =>
        {
            double mu = mean[row, j].item<float>(), lv = logVariance[row, j].item<float>();
            return -0.5 * (1 + lv - mu * mu - Math.Exp(lv));
        });
        Assert.Equal(2, kl.Length);
        Assert.Equal(Expected(0), kl[0], 5);
        Assert.Equal(Expected(1), kl[1], 5);
        Assert.Equal(0f, Values(NetworkMath.GaussianKL(zeros(1, 3), zeros(1, 3)))[0]);
    }

    [Fact]
    public void ReparameterisationIsMeanPlusStandardDeviationTimesNoise()
    {
        using var scope = NewDisposeScope();
        var mean = tensor(new[] { 1f, -2f, 0.5f });
        var logVariance = tensor(new[] { 0f, 2f * MathF.Log(3f), -1f });
        var noise = tensor(new[] { 0.5f, -1f, 2f });

        var z = Values(NetworkMath.Reparameterise(mean, logVariance, noise));

        Assert.Equal(1f + 1f * 0.5f, z[0], 5);
        Assert.Equal(-2f + 3f * -1f, z[1], 5);
        Assert.Equal(0.5f + MathF.Exp(-0.5f) * 2f, z[2], 5);
    }

    [Fact]
    public void NegativeLogLikelihoodIsTheClampedCrossEntropyOrTheSquaredError()
    {
        using var scope = NewDisposeScope();
        var reconstruction = tensor(new[] { 0f, 0.25f, 1f });
        var target = tensor(new[] { 1f, 0f, 1f });

        var bernoulli = Values(NetworkMath.NegativeLogLikelihood(reconstruction, target, bernoulli: true));
        var gaussian = Values(NetworkMath.NegativeLogLikelihood(reconstruction, target, bernoulli: false));

        Assert.Equal(-Math.Log(1e-6), bernoulli[0], 2);          // p = 0 is clamped to 1e-6: finite
        Assert.Equal(-Math.Log(0.75), bernoulli[1], 5);
        Assert.Equal(-Math.Log(1 - 1e-6), bernoulli[2], 5);      // p = 1 is clamped to 1 - 1e-6
        Assert.Equal([1f, 0.0625f, 0f], gaussian);
    }

    [Fact]
    public void TheGaussianGeneratorGivesStandardNormalsFromEitherUniformSource()
    {
        var seeded = new float[20_000];
        GaussianNoise.Fill(seeded, 1f, new SeededUniforms(new Random(7)));
        var counterBased = new float[20_000];
        new RowNoise(7, NoiseStream.Latent, 3).FillNormal(counterBased, 2f);

        foreach (var (values, std) in new[] { (seeded, 1.0), (counterBased, 2.0) })
        {
            var mean = values.Average(v => (double)v);
            var variance = values.Average(v => (v - mean) * (v - mean));
            Assert.InRange(mean, -0.05 * std, 0.05 * std);
            Assert.InRange(Math.Sqrt(variance), 0.97 * std, 1.03 * std);
            Assert.InRange(values.Count(v => Math.Abs(v) > 1.96 * std) / (double)values.Length, 0.04, 0.06);
        }
    }

    [Fact]
    public void TheSeededSourceRepeatsForTheSameSeedAndDiffersForAnother()
    {
        float[] Draw(int seed)
        {
            var values = new float[64];
            GaussianNoise.Fill(values, 1f, new SeededUniforms(new Random(seed)));
            return values;
        }

        Assert.Equal(Draw(11), Draw(11));
        Assert.NotEqual(Draw(11), Draw(12));
    }
}
