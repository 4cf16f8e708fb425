using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MLNetAutoencoders.Tests.Onnx;

/// <summary>
/// ONNX export through ML.NET's own conversion: a pipeline holding our embedding transformer exports and scores back the
/// same through ApplyOnnxModel; a pipeline holding a transformer that cannot be exported yet fails, naming its columns,
/// instead of writing a file without them.
/// </summary>
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
        var path = Path.Combine(Path.GetTempPath(), $"ae-onnx-{Guid.NewGuid():N}.onnx");
        try
        {
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
            File.Delete(path);
        }
    }

    [Fact]
    public void ConvertingTheAnomalyDetectorFailsNamingItsColumnsInsteadOfWritingAModelWithoutThem()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(200));
        var options = new MLNetAutoencoders.Anomaly.AutoencoderAnomalyOptions();
        options.Autoencoder.NumberOfEpochs = 1;
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(data);
        using var stream = new MemoryStream();

        var error = Assert.ThrowsAny<Exception>(() => ml.Model.ConvertToOnnx(detector, data, stream));

        var message = error.GetBaseException().Message;
        Assert.Contains("'Score', 'PredictedLabel' cannot be exported to ONNX", message);
    }

    [Fact]
    public void ConvertingTheVaeSamplerFailsNamingItsColumnInsteadOfWritingAModelWithoutIt()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(200));
        using var sampler = ml.Transforms.VaeSampler(new VaeSamplerOptions
        {
            Mode = VaeSamplingMode.Posterior,
            Vae = new AutoencoderOptions { Kind = AutoencoderKind.Variational, LatentDimension = 2, HiddenLayerSizes = [8], NumberOfEpochs = 1 },
        }).Fit(data);
        using var stream = new MemoryStream();

        var error = Assert.ThrowsAny<Exception>(() => ml.Model.ConvertToOnnx(sampler, data, stream));

        Assert.Contains("'Sample' cannot be exported to ONNX", error.GetBaseException().Message);
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
