using Microsoft.ML;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MLNetAutoencoders.Tests.Onnx;

/// <summary>
/// The VaeSampler's ONNX export: its deterministic configurations (Decode mode, Posterior mode at temperature 0, both
/// with the Mean output) export and score like TorchSharp; every configuration that draws noise fails the conversion,
/// naming the column, the mode and output, and why (ONNX cannot reproduce noise keyed by seed and row position).
/// </summary>
public class SamplerOnnxExportTests(ITestOutputHelper output)
{
    [Fact]
    public void DecodeModeWithTheMeanOutputExportsTheDecoderReadingTheCodesColumn()
    {
        var ml = new MLContext(seed: 1);
        using var vae = FitVae(ml, out var data);
        var codes = ml.ToDataView(Codes(100));
        using var sampler = ml.Transforms.VaeSampler(SamplerOptions(vae, VaeSamplingMode.Decode, 1f, VaeDecoderOutput.Mean)).Fit(codes);

        using var exported = ExportedModel.Convert(ml, sampler, codes);

        Assert.Equal(["Features", "Label"], exported.Inputs.Order());
        ExportedModel.AssertClose(sampler.Transform(codes).VectorColumn("Sample"), exported.Score(ml, codes).VectorColumn("Sample"), "Sample", output);
    }

    [Fact]
    public void PosteriorModeAtTemperatureZeroWithTheMeanOutputExportsTheDecodedPosteriorMean()
    {
        var ml = new MLContext(seed: 1);
        using var vae = FitVae(ml, out var data);
        using var sampler = ml.Transforms.VaeSampler(SamplerOptions(vae, VaeSamplingMode.Posterior, 0f, VaeDecoderOutput.Mean)).Fit(data);

        using var exported = ExportedModel.Convert(ml, sampler, data);

        Assert.Equal(["Features", "Label"], exported.Inputs.Order());
        var expected = sampler.Transform(data).VectorColumn("Sample");
        ExportedModel.AssertClose(expected, exported.Score(ml, data).VectorColumn("Sample"), "Sample", output);
        ExportedModel.AssertClose(vae.Transform(data).VectorColumn("Reconstruction"), expected, "Sample vs the VAE's Reconstruction", output);
    }

    [Theory]
    [InlineData(VaeSamplingMode.Prior, 1f, VaeDecoderOutput.Mean, "Prior mode reads no input column")]
    [InlineData(VaeSamplingMode.Prior, 0f, VaeDecoderOutput.Mean, "Prior mode reads no input column")]
    [InlineData(VaeSamplingMode.Posterior, 0.5f, VaeDecoderOutput.Mean, "Posterior mode with Temperature > 0")]
    [InlineData(VaeSamplingMode.Posterior, 0f, VaeDecoderOutput.GaussianDraw, "the GaussianDraw output")]
    [InlineData(VaeSamplingMode.Decode, 1f, VaeDecoderOutput.GaussianDraw, "the GaussianDraw output")]
    [InlineData(VaeSamplingMode.Decode, 1f, VaeDecoderOutput.BernoulliDraw, "the BernoulliDraw output")]
    public void EveryConfigurationThatDrawsNoiseFailsTheConversionNamingTheColumnAndWhy(
        VaeSamplingMode mode, float temperature, VaeDecoderOutput decoderOutput, string reason)
    {
        var ml = new MLContext(seed: 1);
        using var vae = FitVae(ml, out var data, bernoulli: decoderOutput == VaeDecoderOutput.BernoulliDraw);
        var input = mode == VaeSamplingMode.Decode ? ml.ToDataView(Codes(20)) : data;
        var options = SamplerOptions(vae, mode, temperature, decoderOutput);
        options.OutputColumnName = "Generated";
        using var sampler = ml.Transforms.VaeSampler(options).Fit(input);
        using var stream = new MemoryStream();

        var error = Assert.ThrowsAny<Exception>(() => ml.Model.ConvertToOnnx(sampler, input, stream));

        var message = error.GetBaseException().Message;
        output.WriteLine(message);
        Assert.Contains($"column 'Generated' of the VaeSampler (Mode = {mode}, Output = {decoderOutput}", message);
        Assert.Contains(reason, message);
        Assert.Contains("ONNX cannot reproduce the sampler's noise", message);
        Assert.Equal(0, stream.Length);
    }

    private static AutoencoderEmbeddingTransformer FitVae(MLContext ml, out IDataView data, bool bernoulli = false)
    {
        var rows = SyntheticData.Manifold(200);
        if (bernoulli)
            rows = rows.Select(r => r.Select(v => 1f / (1f + MathF.Exp(-v))).ToArray()).ToArray();
        data = ml.ToDataView(rows);
        var options = OnnxExportTests.SmallOptions(AutoencoderKind.Variational, Activation.Tanh, null,
            bernoulli ? Activation.Sigmoid : Activation.Identity);
        if (bernoulli)
            options.Likelihood = VaeLikelihood.Bernoulli;
        return ml.Transforms.Autoencoder(options).Fit(data);
    }

    private static VaeSamplerOptions SamplerOptions(AutoencoderEmbeddingTransformer vae, VaeSamplingMode mode, float temperature, VaeDecoderOutput decoderOutput) => new()
    {
        Pretrained = vae,
        Vae = new AutoencoderOptions { Kind = AutoencoderKind.Variational, Likelihood = vae.Architecture.OutputActivation == Activation.Sigmoid ? VaeLikelihood.Bernoulli : VaeLikelihood.Gaussian },
        Mode = mode,
        InputColumnName = mode == VaeSamplingMode.Decode ? "Features" : null,
        Temperature = temperature,
        Output = decoderOutput,
        Seed = 5,
    };

    /// <summary>Latent vectors of the VAE's size 2, spread like the prior; Decode mode reads them from "Features".</summary>
    private static float[][] Codes(int rows)
    {
        var random = new Random(3);
        return Enumerable.Range(0, rows).Select(_ => new[] { (float)(random.NextDouble() * 4 - 2), (float)(random.NextDouble() * 4 - 2) }).ToArray();
    }
}
