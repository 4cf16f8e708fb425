using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Anomaly;
using MLNetAutoencoders.Tests.Anomaly;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MLNetAutoencoders.Tests.Onnx;

/// <summary>
/// ONNX export of convolutional networks: the encoder as Reshape → Conv (+ activation) per stage → Flatten → Gemm, the
/// decoder as Gemm → activation → Reshape → ConvTranspose with the stage's output padding → Flatten. Scored by ONNX
/// Runtime through ApplyOnnxModel, every kind's three columns, the conv detector's Score and PredictedLabel and the conv
/// sampler's Decode mode agree with TorchSharp's (unfold/fold + matmul) within 1e-4 relative, on an even image (output
/// padding 1) and an odd one (output padding 0).
/// </summary>
public class ConvOnnxExportTests(ITestOutputHelper output)
{
    public static TheoryData<AutoencoderKind, int, int, int[], int[], Activation, Activation> KindsAndImages()
    {
        var data = new TheoryData<AutoencoderKind, int, int, int[], int[], Activation, Activation>();
        // Hidden activations vary so that each ONNX activation follows a Conv and a ConvTranspose at least once; the output
        // activation follows the last ConvTranspose. The odd images also have dense layers between the stages and the code.
        var activations = new (Activation Hidden, Activation Output)[]
        {
            (Activation.Relu, Activation.Identity), (Activation.Tanh, Activation.Sigmoid), (Activation.LeakyRelu, Activation.Identity),
            (Activation.Gelu, Activation.Tanh), (Activation.Elu, Activation.Identity), (Activation.Sigmoid, Activation.Gelu),
        };
        var kinds = Enum.GetValues<AutoencoderKind>();
        for (var i = 0; i < kinds.Length; i++)
        {
            var (hidden, outputActivation) = activations[i % activations.Length];
            data.Add(kinds[i], 4, 4, [4, 8], [], hidden, outputActivation);
            data.Add(kinds[i], 5, 7, [4], [6, 5], activations[(i + 3) % activations.Length].Hidden, outputActivation);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndImages))]
    public void EveryKindOnEvenAndOddImagesExportsEmbeddingReconstructionAndErrorThatScoreLikeTorchSharp(
        AutoencoderKind kind, int height, int width, int[] channels, int[] dense, Activation hidden, Activation outputActivation)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(64, features: height * width, seed: 2));
        var options = Convolutional(new AutoencoderOptions(), new ImageShape(1, height, width), channels);
        options.Kind = kind;
        options.HiddenLayerSizes = dense;
        options.HiddenActivation = hidden;
        options.OutputActivation = outputActivation;
        if (kind == AutoencoderKind.KSparse)
        {
            options.LatentDimension = 6;
            options.KSparseK = 2;
            options.KSparseScoringAlpha = 1.5f;
        }
        using var model = ml.Transforms.Autoencoder(options).Fit(data);
        var layout = model.Architecture.Convolution!;
        output.WriteLine($"{kind}: {layout}; output paddings {string.Join(", ", layout.Stages.Select(s => $"{s.OutputPaddingHeight} x {s.OutputPaddingWidth}"))}");
        Assert.Equal(channels.Length, layout.Stages.Count);
        Assert.Equal(dense, model.Architecture.HiddenSizes);

        using var exported = ExportedModel.Convert(ml, model, data);

        var expected = model.Transform(data);
        var onnx = exported.Score(ml, data);
        ExportedModel.AssertEmbeddingColumnsClose(expected, onnx, output);
    }

    [Fact]
    public void AConvEmbeddingExportsAtTheMinimumOpsetElevenAndScoresLikeTorchSharp()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(32, features: 16, seed: 2));
        using var model = ml.Transforms.Autoencoder(Convolutional(new AutoencoderOptions(), new ImageShape(1, 4, 4), [4, 8])).Fit(data);
        var path = Path.Combine(Path.GetTempPath(), $"ae-conv-onnx11-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var stream = File.Create(path))
                ml.Model.ConvertToOnnx(model, data, 11, stream);
            var onnx = ml.Transforms.ApplyOnnxModel(path).Fit(data).Transform(data);

            ExportedModel.AssertClose(model.Transform(data).VectorColumn("Reconstruction"), onnx.VectorColumn("Reconstruction"), "Reconstruction", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AConvDetectorWithTheStructuralTermAndTheDensityTermExportsAndScoresAndLabelsLikeTorchSharp()
    {
        var ml = new MLContext(seed: 1);
        var options = DetectorExportData.Options(2, o => Convolutional(o.Autoencoder, new ImageShape(1, 4, 4), [4, 8]));
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(ml.ToDataView(DetectorExportData.Training(128)));
        Assert.True(detector.Model.ScoresCodeDensity);
        Assert.True(detector.Model.ScoresStructuralDissimilarity); // the image default: AveragePool windows in the file
        Assert.NotNull(detector.Model.Architecture.Convolution);

        AssertDetectorExportScoresLikeTorchSharp(ml, detector, ml.ToDataView(DetectorExportData.Scoring(48, 16)));
    }

    [Fact]
    public void AConvVaeDetectorWithTheNegativeElboExportsAndScoresAndLabelsLikeTorchSharp()
    {
        var ml = new MLContext(seed: 1);
        // The Bernoulli likelihood reads features in [0, 1]: the manifold's [-1, 1] halved and shifted, unstandardized.
        static float[][] Unit(float[][] rows) => rows.Select(r => r.Select(v => Math.Clamp((v + 1) / 2, 0, 1)).ToArray()).ToArray();
        var options = DetectorExportData.Options(2, o =>
        {
            Convolutional(o.Autoencoder, new ImageShape(1, 4, 4), [4, 8]);
            o.Autoencoder.Kind = AutoencoderKind.Variational;
            o.Autoencoder.Likelihood = VaeLikelihood.Bernoulli;
            o.Autoencoder.OutputActivation = Activation.Sigmoid;
            o.Standardize = false;
            o.VaeScore = VaeAnomalyScore.NegativeElbo;
            o.VaeScoringSamples = 4;
        });
        using var detector = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(ml.ToDataView(Unit(DetectorExportData.Training(128))));
        Assert.Equal(VaeAnomalyScore.NegativeElbo, detector.Model.VaeScore);
        Assert.True(detector.Model.ScoresCodeDensity);

        AssertDetectorExportScoresLikeTorchSharp(ml, detector, ml.ToDataView(Unit(DetectorExportData.Scoring(48, 16))));
    }

    [Fact]
    public void AConvSamplersDecodeModeExportsTheConvDecoderReadingTheCodesColumn()
    {
        var ml = new MLContext(seed: 1);
        var options = Convolutional(new AutoencoderOptions { Kind = AutoencoderKind.Variational }, new ImageShape(1, 5, 7), [4, 8]);
        using var vae = ml.Transforms.Autoencoder(options).Fit(ml.ToDataView(SyntheticData.Manifold(64, features: 35, seed: 2)));
        var random = new Random(3);
        var codes = ml.ToDataView(Enumerable.Range(0, 50).Select(_ => Enumerable.Range(0, 3).Select(_ => random.NextSingle() * 4 - 2).ToArray()).ToArray());
        using var sampler = ml.Transforms.VaeSampler(new VaeSamplerOptions
        {
            Pretrained = vae,
            Vae = new AutoencoderOptions { Kind = AutoencoderKind.Variational },
            Mode = VaeSamplingMode.Decode,
            InputColumnName = "Features",
            Output = VaeDecoderOutput.Mean,
            Seed = 5,
        }).Fit(codes);
        // 5 x 7 -> 3 x 4 -> 2 x 2: the second stage's transposed convolution pads the width only (0 x 1).
        Assert.Equal([(0, 0), (0, 1)], vae.Architecture.Convolution!.Stages.Select(s => (s.OutputPaddingHeight, s.OutputPaddingWidth)));

        using var exported = ExportedModel.Convert(ml, sampler, codes);

        var expected = sampler.Transform(codes).VectorColumn("Sample");
        Assert.All(expected, s => Assert.Equal(35, s.Length));
        ExportedModel.AssertClose(expected, exported.Score(ml, codes).VectorColumn("Sample"), "Sample", output);
    }

    /// <summary>The options of a small convolutional network: no dense layers after the stages, code 3, 2 epochs, fixed seed.</summary>
    internal static AutoencoderOptions Convolutional(AutoencoderOptions options, ImageShape image, int[] channels)
    {
        options.ImageShape = image;
        options.ConvolutionChannels = channels;
        options.HiddenLayerSizes = [];
        options.LatentDimension = 3;
        options.NumberOfEpochs = 2;
        options.BatchSize = 16;
        options.Seed = 7;
        return options;
    }

    /// <summary>Exports the detector and asserts the file's Score and PredictedLabel equal the detector's own (both labels occur).</summary>
    private void AssertDetectorExportScoresLikeTorchSharp(MLContext ml, ITransformer detector, IDataView data)
    {
        using var exported = ExportedModel.Convert(ml, detector, data);
        var expected = detector.Transform(data);
        var onnx = exported.Score(ml, data);

        ExportedModel.AssertClose(expected.ScalarColumn("Score").Select(s => new[] { s }).ToArray(), onnx.VectorColumn("Score"), "Score", output);
        var labels = onnx.GetColumn<VBuffer<bool>>(onnx.Schema["PredictedLabel"]).Select(v => Assert.Single(v.DenseValues())).ToArray();
        var expectedLabels = expected.PredictedLabels();
        output.WriteLine($"PredictedLabel: {expectedLabels.Count(l => l)} of {expectedLabels.Length} rows true");
        Assert.Equal(expectedLabels, labels);
        Assert.Contains(true, labels);
        Assert.Contains(false, labels);
    }
}
