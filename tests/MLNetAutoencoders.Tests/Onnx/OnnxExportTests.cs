using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MLNetAutoencoders.Tests.Onnx;

/// <summary>
/// ONNX export through ML.NET's own conversion: a pipeline holding our embedding transformer exports whole (ML.NET steps
/// before and after it included), and the file scored by ONNX Runtime through ApplyOnnxModel gives TorchSharp's outputs
/// within 1e-4 relative; an opset below our minimum fails the conversion, naming the transformer.
/// </summary>
public class OnnxExportTests(ITestOutputHelper output)
{
    private static readonly string[] OurColumns = ["Embedding", "Reconstruction", "ReconstructionError"];

    [Theory]
    [InlineData(AutoencoderKind.Undercomplete, Activation.Relu, null, Activation.Identity)]
    [InlineData(AutoencoderKind.Undercomplete, Activation.Gelu, Activation.Tanh, Activation.Sigmoid)]
    [InlineData(AutoencoderKind.Undercomplete, Activation.Identity, Activation.Identity, Activation.Identity)]
    [InlineData(AutoencoderKind.Denoising, Activation.Tanh, Activation.Sigmoid, Activation.Identity)]
    [InlineData(AutoencoderKind.Denoising, Activation.Elu, Activation.Gelu, Activation.Identity)]
    [InlineData(AutoencoderKind.Sparse, Activation.LeakyRelu, Activation.Relu, Activation.Identity)]
    [InlineData(AutoencoderKind.Sparse, Activation.Sigmoid, Activation.Sigmoid, Activation.Tanh)]
    [InlineData(AutoencoderKind.KSparse, Activation.Gelu, null, Activation.Identity)]
    [InlineData(AutoencoderKind.KSparse, Activation.Relu, null, Activation.LeakyRelu)]
    [InlineData(AutoencoderKind.Contractive, Activation.Sigmoid, Activation.Elu, Activation.Identity)]
    [InlineData(AutoencoderKind.Contractive, Activation.Elu, Activation.LeakyRelu, Activation.Elu)]
    [InlineData(AutoencoderKind.Variational, Activation.Tanh, null, Activation.Identity)]
    [InlineData(AutoencoderKind.Variational, Activation.LeakyRelu, null, Activation.Gelu)]
    public void EveryKindAndActivationExportsEmbeddingReconstructionAndErrorThatScoreLikeTorchSharp(
        AutoencoderKind kind, Activation hidden, Activation? latent, Activation outputActivation)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(256));
        var model = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.Transforms.Autoencoder(SmallOptions(kind, hidden, latent, outputActivation)))
            .Fit(data);
        try
        {
            using var exported = ExportedModel.Convert(ml, model, data);

            var expected = model.Transform(data);
            var onnx = exported.Score(ml, data);
            ExportedModel.AssertEmbeddingColumnsClose(expected, onnx, output);
        }
        finally
        {
            model.LastTransformer.Dispose();
        }
    }

    [Fact]
    public void ATransformerWithOnlyTheEmbeddingColumnExportsOnlyThatColumn()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(256));
        var options = SmallOptions(AutoencoderKind.Undercomplete, Activation.Tanh, null, Activation.Identity);
        options.ReconstructionColumnName = null;
        options.ReconstructionErrorColumnName = null;
        using var model = ml.Transforms.Autoencoder(options).Fit(data);

        using var exported = ExportedModel.Convert(ml, model, data);

        Assert.Contains("Embedding.output", exported.Outputs);
        Assert.DoesNotContain(exported.Outputs, o => o.StartsWith("Reconstruction", StringComparison.Ordinal));
        ExportedModel.AssertClose(model.Transform(data).VectorColumn("Embedding"), exported.Score(ml, data).VectorColumn("Embedding"), "Embedding", output);
    }

    [Fact]
    public void ANormalizerAutoencoderKMeansChainExportsWholeAndTheClustersMatchMLNet()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(256));
        var model = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.Transforms.Autoencoder(SmallOptions(AutoencoderKind.Undercomplete, Activation.Relu, null, Activation.Identity)))
            .Append(ml.Clustering.Trainers.KMeans("Embedding", numberOfClusters: 3))
            .Fit(data);
        try
        {
            using var exported = ExportedModel.Convert(ml, model, data);

            var expected = model.Transform(data);
            var onnx = exported.Score(ml, data);
            Assert.Equal(["Features", "Label"], exported.Inputs.Order());
            var expectedLabels = expected.GetColumn<uint>("PredictedLabel").ToArray();
            // ML.NET's PredictedLabel is a key (1-based, 0 = missing); ML.NET's KMeans export writes the 0-based cluster index.
            var onnxLabels = onnx.GetColumn<VBuffer<uint>>("PredictedLabel").Select(v => v.DenseValues().Single() + 1).ToArray();
            Assert.True(expectedLabels.Distinct().Count() > 1, "KMeans put every row in one cluster: the comparison would be empty.");
            Assert.Equal(expectedLabels, onnxLabels);
            ExportedModel.AssertClose(expected.VectorColumn("Score"), onnx.VectorColumn("Score"), "Score", output);
            ExportedModel.AssertClose(expected.VectorColumn("Embedding"), onnx.VectorColumn("Embedding"), "Embedding", output);
        }
        finally
        {
            foreach (var transformer in model)
                (transformer as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void AnExportedPipelineNeverTakesOurOutputColumnsOrTheNormalizersColumnAsGraphInputs()
    {
        // Issue 14's defect: our output view was the converter's root, so its schema (Features0, Embedding, ...) became
        // the graph's inputs and the file held Identity nodes only; ApplyOnnxModel then failed on 'Features0'.
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(64));
        var model = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.Transforms.Autoencoder(SmallOptions(AutoencoderKind.Undercomplete, Activation.Relu, null, Activation.Identity)))
            .Fit(data);
        try
        {
            using var exported = ExportedModel.Convert(ml, model, data);

            Assert.Equal(["Features", "Label"], exported.Inputs.Order());
            Assert.Equal(OurColumns.Select(c => c + ".output"), exported.Outputs.Where(o => OurColumns.Any(c => o == c + ".output")).Order());
            Assert.Equal(64, exported.Score(ml, data).VectorColumn("Embedding").Length);
        }
        finally
        {
            model.LastTransformer.Dispose();
        }
    }

    [Fact]
    public void ConvertingWithAnOpsetBelowElevenFailsNamingTheTransformerAndTheOpsetItNeeds()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(64));
        using var model = ml.Transforms.Autoencoder(SmallOptions(AutoencoderKind.Undercomplete, Activation.Relu, null, Activation.Identity)).Fit(data);
        using var stream = new MemoryStream();

        var error = Assert.ThrowsAny<Exception>(() => ml.Model.ConvertToOnnx(model, data, 10, stream));

        var message = error.GetBaseException().Message;
        output.WriteLine(message);
        Assert.Contains(nameof(AutoencoderEmbeddingTransformer), message);
        Assert.Contains("11", message);
    }

    internal static AutoencoderOptions SmallOptions(AutoencoderKind kind, Activation hidden, Activation? latent, Activation outputActivation) => new()
    {
        Kind = kind,
        LatentDimension = kind == AutoencoderKind.KSparse ? 6 : 2,
        HiddenLayerSizes = [12, 6],
        HiddenActivation = hidden,
        LatentActivation = latent,
        OutputActivation = outputActivation,
        NumberOfEpochs = 3,
        BatchSize = 32,
        KSparseK = 2,
        KSparseScoringAlpha = 1.5f,
    };
}
