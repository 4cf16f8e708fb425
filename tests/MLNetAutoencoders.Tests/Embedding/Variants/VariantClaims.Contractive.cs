using Xunit;
using MLNetAutoencoders.Networks;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Embedding;

public abstract partial class VariantClaims
{
    // Rifai et al. (2011): the contractive penalty makes the code insensitive to directions off the data manifold
    // while reconstruction keeps it sensitive along the manifold. Both sides scale with the code, so their ratio
    // is a claim a rescaled code cannot fake; the manifold's tangents are known exactly (SyntheticData). The
    // penalty costs reconstruction; the weight keeps it within 1.5x of the undercomplete model's (same seed).
    [Fact]
    public void ContractiveCodeIsLessSensitiveAcrossTheManifoldThanAlongItThanTheUndercompleteOne()
    {
        var contractive = Options(AutoencoderKind.Contractive, latent: 8);
        contractive.ContractiveWeight = ContractiveWeight;
        using var contractiveModel = Fit(contractive);
        using var plainModel = Fit(Options(AutoencoderKind.Undercomplete, latent: 8));

        var contracted = NormalToTangentSensitivity(contractiveModel.Module);
        var plain = NormalToTangentSensitivity(plainModel.Module);
        var contractiveError = ReconstructionError(contractiveModel, Test);
        var plainError = ReconstructionError(plainModel, Test);
        Report($"normal/tangent sensitivity {contracted} vs {plain}; ||J||²/code variance {JacobianToCodeVariance(contractiveModel)} vs {JacobianToCodeVariance(plainModel)}; MSE {contractiveError} vs {plainError}");
        Assert.True(contracted < 0.8 * plain, $"normal/tangent sensitivity: contractive {contracted} vs undercomplete {plain}");
        Assert.True(contractiveError < 1.5 * plainError, $"MSE contractive {contractiveError} vs undercomplete {plainError}");
    }

    /// <summary>
    /// Mean squared Jacobian norm per direction normal to the manifold over the same per tangent direction:
    /// (sum over rows of ||J P_normal||²_F / (d - 2)) / (sum over rows of ||J P_tangent||²_F / 2), J = d code / d x.
    /// </summary>
    private double NormalToTangentSensitivity(AutoencoderNetwork network)
    {
        var jacobians = Jacobians(network, Test);
        double normal = 0, tangent = 0;
        var features = Test[0].Length;
        for (var i = 0; i < Test.Length; i++)
        {
            var basis = Orthonormal(TestSample.Tangents[i]);
            foreach (var row in jacobians[i])
            {
                var total = row.Sum(v => (double)v * v);
                var along = basis.Sum(u => Math.Pow(row.Zip(u).Sum(p => (double)p.First * p.Second), 2));
                tangent += along;
                normal += total - along;
            }
        }
        return normal / (features - 2) / (tangent / 2);
    }

    /// <summary>Mean ||J||²_F over the total variance of the code on the test rows: scale-free too, but reported, not asserted (at a weight that keeps reconstruction within 1.5x it drops by only a fifth).</summary>
    private double JacobianToCodeVariance(AutoencoderEmbeddingTransformer model)
    {
        var jacobianNorm = Jacobians(model.Module, Test).Average(j => j.Sum(r => r.Sum(v => (double)v * v)));
        var codes = Score(model, Test, "Embedding");
        var variance = Enumerable.Range(0, codes[0].Length).Sum(u => Variance(codes.Select(c => c[u])));
        return jacobianNorm / variance;
    }

    /// <summary>d code / d x for every row: [row][code unit][feature], one backward pass per code unit.</summary>
    private static float[][][] Jacobians(AutoencoderNetwork network, float[][] rows)
    {
        using var scope = NewDisposeScope();
        var x = AsTensor(rows).requires_grad_(true);
        var code = network.Code(network.EncoderOutput(x));
        var units = (int)code.shape[1];
        var perUnit = Enumerable.Range(0, units)
            .Select(j => AsRows(autograd.grad(new[] { code.select(1, j).sum() }, new[] { x }, retain_graph: true)[0]))
            .ToArray();
        return Enumerable.Range(0, rows.Length).Select(i => perUnit.Select(u => u[i]).ToArray()).ToArray();
    }

    private static double[][] Orthonormal(float[][] vectors)
    {
        var basis = new List<double[]>();
        foreach (var v in vectors)
        {
            var w = v.Select(x => (double)x).ToArray();
            foreach (var u in basis)
            {
                var dot = w.Zip(u).Sum(p => p.First * p.Second);
                for (var j = 0; j < w.Length; j++)
                    w[j] -= dot * u[j];
            }
            var norm = Math.Sqrt(w.Sum(x => x * x));
            basis.Add(w.Select(x => x / norm).ToArray());
        }
        return basis.ToArray();
    }
}
