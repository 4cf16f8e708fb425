using Microsoft.ML;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Embedding;

/// <summary>
/// The claims of the six variants, each measured so that the variant with its mechanism switched off fails: every
/// mechanism test trains a control with the mechanism off (same data, same seed) or compares with a reference
/// computed in the test. A subclass supplies the network (<see cref="Network"/>) and a 2-D manifold whose tangents
/// are known; <see cref="VariantTests"/> runs the claims on a perceptron, <see cref="VariantTestsOnImages"/> on a
/// convolutional encoder. tests/mutants/ runs both against builds with each mechanism removed. The claims are split
/// by variant over Embedding/Variants/VariantClaims.*.cs.
/// </summary>
public abstract partial class VariantClaims(ITestOutputHelper output)
{
    /// <summary>The training rows.</summary>
    protected abstract float[][] Train { get; }

    /// <summary>The test rows with the manifold's tangents at each.</summary>
    protected abstract SyntheticData.ManifoldSample TestSample { get; }

    /// <summary>The architecture and optimiser settings shared by every model of the class.</summary>
    protected abstract void Network(AutoencoderOptions options);

    /// <summary>The rows mapped into [0, 1] (for the Bernoulli likelihood).</summary>
    protected abstract float[][] ToUnitInterval(float[][] rows);

    /// <summary>Lambda of the contractive claim: the largest that keeps reconstruction within 1.5x of the control's.</summary>
    protected abstract float ContractiveWeight { get; }

    /// <summary>Beta of the KL-sparsity claim: the largest that keeps reconstruction within 1.5x of the control's.</summary>
    protected abstract float SparsityKLWeight { get; }

    /// <summary>The L1 claim's weight: the largest that keeps reconstruction within 1.5x of the control's.</summary>
    protected abstract float SparsityL1Weight { get; }

    private float[][] Test => TestSample.Points;

    private int Features => Test[0].Length;

    private AutoencoderOptions Options(AutoencoderKind kind, int latent = 8)
    {
        var options = new AutoencoderOptions { Kind = kind, LatentDimension = latent, Seed = 11 };
        Network(options);
        return options;
    }

    private AutoencoderEmbeddingTransformer Fit(AutoencoderOptions options, float[][]? rows = null)
    {
        var ml = new MLContext(seed: 1);
        return ml.Transforms.Autoencoder(options).Fit(ml.ToDataView(rows ?? Train));
    }

    private static float[][] Score(AutoencoderEmbeddingTransformer model, float[][] rows, string column) =>
        model.Transform(new MLContext().ToDataView(rows)).VectorColumn(column);

    /// <summary>Mean squared error of the model's reconstruction of <paramref name="rows"/> against <paramref name="target"/> (default: the rows).</summary>
    private static double ReconstructionError(AutoencoderEmbeddingTransformer model, float[][] rows, float[][]? target = null) =>
        SyntheticData.MeanSquaredError(Score(model, rows, "Reconstruction"), target ?? rows);

    private protected static Tensor AsTensor(float[][] rows) =>
        tensor(rows.SelectMany(r => r).ToArray(), new long[] { rows.Length, rows[0].Length });

    private protected static float[][] AsRows(Tensor t)
    {
        var values = t.contiguous().data<float>().ToArray();
        var width = (int)t.shape[1];
        return Enumerable.Range(0, (int)t.shape[0]).Select(i => values.AsSpan(i * width, width).ToArray()).ToArray();
    }

    private static double Variance(IEnumerable<float> values)
    {
        var list = values.Select(v => (double)v).ToList();
        var mean = list.Average();
        return list.Average(v => (v - mean) * (v - mean));
    }

    private void Report(string line) => output.WriteLine(line);
}
