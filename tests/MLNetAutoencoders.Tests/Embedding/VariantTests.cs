using Microsoft.ML;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Embedding;

/// <summary>
/// Each variant does what its paper says, measured so that the variant with its mechanism switched off fails:
/// every mechanism test trains a control with the mechanism off (same data, same seed) or compares with a
/// reference computed in the test. tests/mutants/ runs these tests against builds with each mechanism removed.
/// The tests are split by variant over Embedding/Variants/VariantTests.*.cs.
/// </summary>
public partial class VariantTests(ITestOutputHelper output)
{
    private static readonly float[][] Train = SyntheticData.Manifold(768, seed: 1);
    private static readonly SyntheticData.ManifoldSample TestSample = SyntheticData.ManifoldWithTangents(256, seed: 2);
    private static readonly float[][] Test = TestSample.Points;

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

    private static AutoencoderEmbeddingTransformer Fit(AutoencoderOptions options, float[][]? rows = null)
    {
        var ml = new MLContext(seed: 1);
        return ml.Transforms.Autoencoder(options).Fit(ml.ToDataView(rows ?? Train));
    }

    private static float[][] Score(AutoencoderEmbeddingTransformer model, float[][] rows, string column) =>
        model.Transform(new MLContext().ToDataView(rows)).VectorColumn(column);

    /// <summary>Mean squared error of the model's reconstruction of <paramref name="rows"/> against <paramref name="target"/> (default: the rows).</summary>
    private static double ReconstructionError(AutoencoderEmbeddingTransformer model, float[][] rows, float[][]? target = null) =>
        SyntheticData.MeanSquaredError(Score(model, rows, "Reconstruction"), target ?? rows);

    private static Tensor AsTensor(float[][] rows) =>
        tensor(rows.SelectMany(r => r).ToArray(), new long[] { rows.Length, rows[0].Length });

    private static float[][] AsRows(Tensor t)
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
