using Microsoft.ML;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Onnx;

/// <summary>
/// ONNX export of convolutional networks: the encoder as Reshape → Conv (+ activation) per stage → Flatten → Gemm, the
/// decoder as Gemm → activation → Reshape → ConvTranspose with the stage's output padding → Flatten. Scored by ONNX
/// Runtime through ApplyOnnxModel, every kind's three columns agree with TorchSharp's (unfold/fold + matmul) within 1e-4
/// relative, on an even image (output padding 1) and an odd one (output padding 0).
/// </summary>
public class ConvOnnxExportTests(ITestOutputHelper output)
{
    public static TheoryData<AutoencoderKind, int, int, int[], Activation, Activation> KindsAndImages()
    {
        var data = new TheoryData<AutoencoderKind, int, int, int[], Activation, Activation>();
        // Hidden activations vary so that each ONNX activation follows a Conv and a ConvTranspose at least once; the output
        // activation follows the last ConvTranspose.
        var activations = new (Activation Hidden, Activation Output)[]
        {
            (Activation.Relu, Activation.Identity), (Activation.Tanh, Activation.Sigmoid), (Activation.LeakyRelu, Activation.Identity),
            (Activation.Gelu, Activation.Tanh), (Activation.Elu, Activation.Identity), (Activation.Sigmoid, Activation.Gelu),
        };
        var kinds = Enum.GetValues<AutoencoderKind>();
        for (var i = 0; i < kinds.Length; i++)
        {
            var (hidden, outputActivation) = activations[i % activations.Length];
            data.Add(kinds[i], 4, 4, [4, 8], hidden, outputActivation);
            data.Add(kinds[i], 5, 7, [4], activations[(i + 3) % activations.Length].Hidden, outputActivation);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndImages))]
    public void EveryKindOnEvenAndOddImagesExportsEmbeddingReconstructionAndErrorThatScoreLikeTorchSharp(
        AutoencoderKind kind, int height, int width, int[] channels, Activation hidden, Activation outputActivation)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(64, features: height * width, seed: 2));
        using var model = ConvEmbedding(ml, kind, new ImageShape(1, height, width), channels, hidden, outputActivation, data);
        var layout = model.Architecture.Convolution!;
        output.WriteLine($"{kind}: {layout}; output paddings {string.Join(", ", layout.Stages.Select(s => $"{s.OutputPaddingHeight} x {s.OutputPaddingWidth}"))}");

        using var exported = ExportedModel.Convert(ml, model, data);

        var expected = model.Transform(data);
        var onnx = exported.Score(ml, data);
        foreach (var column in new[] { "Embedding", "Reconstruction" })
            ExportedModel.AssertClose(expected.VectorColumn(column), onnx.VectorColumn(column), column, output);
        ExportedModel.AssertClose(expected.ScalarColumn("ReconstructionError").Select(e => new[] { e }).ToArray(),
            onnx.VectorColumn("ReconstructionError"), "ReconstructionError", output);
    }

    // TEMPORARY until step B1's options land: an untrained network built from its description.
    private static AutoencoderEmbeddingTransformer ConvEmbedding(MLContext ml, AutoencoderKind kind, ImageShape image, int[] channels,
        Activation hidden, Activation outputActivation, IDataView data)
    {
        var latent = kind == AutoencoderKind.KSparse ? 6 : 3;
        var description = new NetworkDescription(kind, (int)image.Size, [], latent, hidden,
            Activation.Identity, outputActivation, kind == AutoencoderKind.KSparse ? 3 : 0, ConvolutionLayout.Create(image, channels));
        random.manual_seed(7);
        var network = new FittedNetwork(new AutoencoderNetwork(description), "test");
        return new AutoencoderEmbeddingTransformer(network, new AutoencoderColumns("Features", "Embedding", "Reconstruction", "ReconstructionError"), 32);
    }
}
