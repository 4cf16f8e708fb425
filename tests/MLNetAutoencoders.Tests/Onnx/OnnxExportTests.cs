using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MLNetAutoencoders.Tests.Onnx;

/// <summary>Spike (issue 14): a pipeline holding our embedding transformer exports to ONNX and scores back the same.</summary>
public class OnnxExportTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(AutoencoderKind.Undercomplete, Activation.Relu)]
    [InlineData(AutoencoderKind.KSparse, Activation.Gelu)]
    [InlineData(AutoencoderKind.Variational, Activation.Tanh)]
    public void AnExportedNormalizerAndEmbeddingScoreLikeTorchSharpThroughApplyOnnxModel(AutoencoderKind kind, Activation hidden)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(256));
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.Transforms.Autoencoder(new AutoencoderOptions
            {
                Kind = kind,
                LatentDimension = kind == AutoencoderKind.KSparse ? 6 : 2,
                HiddenLayerSizes = [12, 6],
                HiddenActivation = hidden,
                NumberOfEpochs = 5,
                BatchSize = 32,
                KSparseK = 2,
                KSparseScoringAlpha = 1.5f,
            }));
        var model = pipeline.Fit(data);
        try
        {
            var path = Path.Combine(Path.GetTempPath(), $"ae-onnx-{Guid.NewGuid():N}.onnx");
            using (var stream = File.Create(path))
                ml.Model.ConvertToOnnx(model, data, stream);
            output.WriteLine(path);

            var expected = model.Transform(data);
            var onnx = ml.Transforms.ApplyOnnxModel(path).Fit(data).Transform(data);
            foreach (var column in new[] { "Embedding", "Reconstruction" })
                AssertClose(expected.VectorColumn(column), onnx.VectorColumn(column), column);
            AssertClose(expected.ScalarColumn("ReconstructionError").Select(e => new[] { e }).ToArray(),
                onnx.VectorColumn("ReconstructionError"), "ReconstructionError");
        }
        finally
        {
            (model.LastTransformer as IDisposable)?.Dispose();
        }
    }

    private void AssertClose(float[][] expected, float[][] actual, string column)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (var j = 0; j < expected[i].Length; j++)
                worst = Math.Max(worst, Math.Abs(expected[i][j] - actual[i][j]) / Math.Max(Math.Abs(expected[i][j]), 1e-3));
        }
        output.WriteLine($"{column}: worst relative difference {worst:G3}");
        Assert.True(worst <= 1e-4, $"{column}: worst relative difference {worst:G3}");
    }
}
