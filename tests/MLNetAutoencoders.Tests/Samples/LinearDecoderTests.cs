using Microsoft.ML;
using MLNetAutoencoders.Samples.Gallery.Analysis;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Samples;

public class LinearDecoderTests
{
    [Fact]
    public void RecoversTheKSparseDecoderWeightsFromThePublicOutputColumns()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.ToDataView(SyntheticData.Manifold(400));
        using var model = ml.Transforms.Autoencoder(new AutoencoderOptions
        {
            Kind = AutoencoderKind.KSparse,
            LatentDimension = 6,
            HiddenLayerSizes = [],
            KSparseK = 3,
            OutputActivation = Activation.Identity,
            NumberOfEpochs = 3,
            BatchSize = 32,
            Seed = 3,
        }).Fit(data);
        var scored = model.Transform(data);

        var decoder = LinearDecoder.Fit(scored.VectorColumn("Embedding"), scored.VectorColumn("Reconstruction"));

        // The network's own decoder: b = decode(0) and column j = decode(e_j) - b.
        using var codes = cat([zeros(1, 6), eye(6)]);
        using var decoded = model.Module.Decode(codes);
        var expected = decoded.data<float>().ToArray();
        var bias = expected[..16];
        Assert.Equal(bias, decoder.Bias, (a, b) => Math.Abs(a - b) < 1e-4);
        for (var j = 0; j < 6; j++)
        {
            Assert.True(decoder.ActiveRows[j] > 0, $"unit {j} was never active");
            var column = expected[(16 * (j + 1))..(16 * (j + 2))].Select((v, i) => v - bias[i]);
            Assert.Equal(column, decoder.Filters[j], (a, b) => Math.Abs(a - b) < 1e-4);
        }
        Assert.True(decoder.MaxResidual < 1e-5, $"residual {decoder.MaxResidual}");
    }

    [Fact]
    public void GivesAUnitThatIsNeverActiveAZeroFilter()
    {
        float[][] codes = [[1, 0, 0], [0, 2, 0], [1, 1, 0], [3, 0, 0]];
        // r = W c + b with W columns (1, 2) and (3, -1) for the two active units, b = (0.5, 0.5).
        var reconstructions = codes.Select(c => new[] { 1 * c[0] + 3 * c[1] + 0.5f, 2 * c[0] - 1 * c[1] + 0.5f }).ToArray();

        var decoder = LinearDecoder.Fit(codes, reconstructions);

        Assert.Equal(new[] { 3, 2, 0 }, decoder.ActiveRows);
        Assert.Equal(new[] { 0f, 0f }, decoder.Filters[2]);
        Assert.Equal(new[] { 1f, 2f }, decoder.Filters[0].Select(v => MathF.Round(v, 4)));
        Assert.Equal(new[] { 3f, -1f }, decoder.Filters[1].Select(v => MathF.Round(v, 4)));
        Assert.Equal(new[] { 0.5f, 0.5f }, decoder.Bias.Select(v => MathF.Round(v, 4)));
    }

    [Fact]
    public void GivesUnitsTheRowsCannotTellApartAZeroFilterAndStillFitsEveryRow()
    {
        // Units 1 and 2 are only ever active together, in the same row: any split of their filters fits.
        float[][] codes = [[1, 0, 0], [2, 0, 0], [1, 1, 2], [0.5f, 0, 0]];
        var reconstructions = codes.Select(c => new[] { 1 * c[0] + 3 * c[1] - c[2] + 0.5f }).ToArray();

        var decoder = LinearDecoder.Fit(codes, reconstructions);

        Assert.Equal(1, decoder.UnidentifiedUnits);
        Assert.Equal(1f, decoder.Filters[0][0], 4);
        Assert.Equal(0f, decoder.Filters[2][0]);
        Assert.True(decoder.MaxResidual < 1e-5, $"residual {decoder.MaxResidual}");
    }
}
