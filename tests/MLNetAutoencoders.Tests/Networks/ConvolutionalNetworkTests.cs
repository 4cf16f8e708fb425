using TorchSharp;
using Xunit;
using MLNetAutoencoders.Networks;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Networks;

/// <summary>
/// The convolutional path of <see cref="AutoencoderNetwork"/>: flat rows in and out, the parameters its description
/// counts, the perceptron's parameter names untouched, the same seed giving the same weights and outputs, and every
/// stage computing the convolution (and its gradients) it stands for, for every shape from the first call on.
/// </summary>
public class ConvolutionalNetworkTests
{
    private static NetworkDescription Conv(int channels, int height, int width, int[] stages, int latent,
        AutoencoderKind kind = AutoencoderKind.Undercomplete) =>
        new(kind, channels * height * width, Array.Empty<int>(), latent, Activation.Relu, Activation.Identity, Activation.Sigmoid, 0,
            ConvolutionLayout.Create(new ImageShape(channels, height, width), stages));

    private static AutoencoderNetwork Seeded(NetworkDescription description, int seed)
    {
        manual_seed(seed);
        return new AutoencoderNetwork(description);
    }

    /// <summary>Bit-identical values (no NaN appears in these networks).</summary>
    private static bool Same(Tensor a, Tensor b)
    {
        using var equal = a.eq(b);
        using var all = equal.all();
        return all.item<bool>();
    }

    [Theory]
    [InlineData(1, 28, 28, AutoencoderKind.Undercomplete)]
    [InlineData(3, 32, 32, AutoencoderKind.Undercomplete)]
    [InlineData(1, 7, 9, AutoencoderKind.Undercomplete)]
    [InlineData(1, 7, 9, AutoencoderKind.Variational)]
    public void FlatRowsGoInAndReconstructionsOfTheSameWidthComeOut(int channels, int height, int width, AutoencoderKind kind)
    {
        using var scope = NewDisposeScope();
        using var network = Seeded(Conv(channels, height, width, [8, 16], 5, kind), seed: 1);
        var rows = rand(3, channels * height * width);

        var encoded = network.EncoderOutput(rows);
        var reconstruction = network.forward(rows);

        Assert.Equal(new long[] { 3, network.Description.EncoderOutputSize }, encoded.shape);
        Assert.Equal(new long[] { 3, channels * height * width }, reconstruction.shape);
        Assert.True(reconstruction.ge(0).all().item<bool>() && reconstruction.le(1).all().item<bool>()); // the Sigmoid output
    }

    [Theory]
    [InlineData(1, 28, 28, 32, AutoencoderKind.Undercomplete, 241_441)]
    [InlineData(3, 32, 32, 32, AutoencoderKind.Undercomplete, 304_995)]
    [InlineData(1, 7, 9, 32, AutoencoderKind.Undercomplete, 62_561)]
    [InlineData(1, 28, 28, 32, AutoencoderKind.Variational, 341_825)]
    public void TheModulesParametersAreTheOnesTheDescriptionCounts(int channels, int height, int width, int latent, AutoencoderKind kind, long pyTorchCount)
    {
        using var network = new AutoencoderNetwork(Conv(channels, height, width, [32, 64], latent, kind));

        Assert.Equal(pyTorchCount, network.named_parameters().Sum(p => p.parameter.numel()));
        Assert.Equal(network.Description.ParameterCount, pyTorchCount);
    }

    [Fact]
    public void ParametersAreConvolutionsThenDenseLayersThenTransposedConvolutionsWithPyTorchsWeightShapes()
    {
        using var network = new AutoencoderNetwork(Conv(1, 28, 28, [32, 64], 32));

        Assert.Equal(new (string, long[])[]
        {
            ("convolutions.0.weight", [32, 1, 3, 3]), ("convolutions.0.bias", [32]),
            ("convolutions.1.weight", [64, 32, 3, 3]), ("convolutions.1.bias", [64]),
            ("encoder.0.weight", [32, 3136]), ("encoder.0.bias", [32]),
            ("decoder.0.weight", [3136, 32]), ("decoder.0.bias", [3136]),
            ("transposedConvolutions.0.weight", [64, 32, 3, 3]), ("transposedConvolutions.0.bias", [32]),
            ("transposedConvolutions.1.weight", [32, 1, 3, 3]), ("transposedConvolutions.1.bias", [1]),
        }, network.named_parameters().Select(p => (p.name, p.parameter.shape)));
    }

    [Fact]
    public void APerceptronsParameterNamesAreUnchanged()
    {
        using var network = new AutoencoderNetwork(
            new NetworkDescription(AutoencoderKind.Undercomplete, 10, [6, 4], 2, Activation.Relu, Activation.Identity, Activation.Identity));

        Assert.Equal(
            new[]
            {
                "encoder.0.weight", "encoder.0.bias", "encoder.1.weight", "encoder.1.bias", "encoder.2.weight", "encoder.2.bias",
                "decoder.0.weight", "decoder.0.bias", "decoder.1.weight", "decoder.1.bias", "decoder.2.weight", "decoder.2.bias",
            },
            network.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void TheSameSeedGivesIdenticalConvolutionWeightsAndOutputsAndAnotherSeedDoesNot()
    {
        using var scope = NewDisposeScope();
        var description = Conv(1, 7, 9, [4, 8], 3);
        using var first = Seeded(description, seed: 7);
        using var second = Seeded(description, seed: 7);
        using var other = Seeded(description, seed: 8);
        var rows = rand(4, 63);

        Assert.All(first.parameters().Zip(second.parameters()), pair => Assert.True(Same(pair.First, pair.Second)));
        Assert.True(Same(first.forward(rows), second.forward(rows)));
        Assert.False(Same(first.parameters().First(), other.parameters().First()));
    }

    [Fact]
    public void TrainingTwoIdenticallySeededConvolutionalNetworksGivesBitIdenticalWeights()
    {
        using var scope = NewDisposeScope();
        var description = Conv(1, 8, 8, [4, 8], 3);
        manual_seed(3);
        var rows = rand(16, 64);

        Tensor[] Train(int seed)
        {
            var network = Seeded(description, seed);
            using var optimizer = optim.Adam(network.parameters(), 1e-2);
            for (var step = 0; step < 5; step++)
            {
                using var stepScope = NewDisposeScope();
                optimizer.zero_grad();
                nn.functional.mse_loss(network.forward(rows), rows).backward();
                optimizer.step();
            }
            return network.parameters().Select(p => p.detach().clone()).ToArray();
        }

        var first = Train(seed: 11);
        var second = Train(seed: 11);

        Assert.All(first.Zip(second), pair => Assert.True(Same(pair.First, pair.Second)));
        using var initial = Seeded(description, seed: 11);
        Assert.False(Same(initial.parameters().First(), first[0])); // control: training moved the weights
    }

    [Fact]
    public void ARowScoresTheSameAloneAsInABatchOf64()
    {
        using var scope = NewDisposeScope();
        using var network = Seeded(Conv(1, 7, 9, [4, 8], 3), seed: 5);
        using var noGrad = no_grad();
        var rows = rand(64, 63);

        var batch = network.forward(rows);
        var alone = network.forward(rows.narrow(0, 10, 1));

        Assert.True(alone.allclose(batch.narrow(0, 10, 1), rtol: 0, atol: 1e-5));
    }

    /// <summary>
    /// A transposed convolution (stride 2, padding 1, kernel 3) summed directly, in doubles: input (i, j) adds
    /// weight[ci, co, ky, kx] times its value to output (2i - 1 + ky, 2j - 1 + kx) when that lies inside the image.
    /// </summary>
    private static Tensor DirectTransposedConvolution(Tensor x, Tensor weight, Tensor bias, int height, int width)
    {
        int n = (int)x.shape[0], cin = (int)x.shape[1], ih = (int)x.shape[2], iw = (int)x.shape[3], cout = (int)weight.shape[1];
        var xs = x.detach().contiguous().data<float>().ToArray();
        var ws = weight.detach().contiguous().data<float>().ToArray();
        var bs = bias.detach().data<float>().ToArray();
        var sums = new double[n * cout * height * width];
        for (var s = 0; s < n; s++)
            for (var co = 0; co < cout; co++)
                for (var y = 0; y < height * width; y++)
                    sums[(s * cout + co) * height * width + y] = bs[co];
        for (var s = 0; s < n; s++)
            for (var ci = 0; ci < cin; ci++)
                for (var i = 0; i < ih; i++)
                    for (var j = 0; j < iw; j++)
                        for (var co = 0; co < cout; co++)
                            for (var ky = 0; ky < 3; ky++)
                                for (var kx = 0; kx < 3; kx++)
                                {
                                    int y = 2 * i - 1 + ky, z = 2 * j - 1 + kx;
                                    if (y >= 0 && y < height && z >= 0 && z < width)
                                        sums[((s * cout + co) * height + y) * width + z] +=
                                            (double)xs[((s * cin + ci) * ih + i) * iw + j] * ws[((ci * cout + co) * 3 + ky) * 3 + kx];
                                }
        return tensor(sums.Select(v => (float)v).ToArray()).reshape(n, cout, height, width);
    }

    [Theory]
    [InlineData(7, 9)]
    [InlineData(8, 8)]
    [InlineData(5, 6)]
    [InlineData(4, 4)]
    public void EveryDecodeIsTheDenseLayerThenDirectlySummedTransposedConvolutionsFromItsFirstCallOn(int height, int width)
    {
        using var scope = NewDisposeScope();
        using var network = Seeded(Conv(1, height, width, [4, 8], 3), seed: 7);
        var p = network.named_parameters().ToDictionary(x => x.name, x => (Tensor)x.parameter);
        var stages = network.Description.Convolution!.Stages;
        using var noGrad = no_grad();
        var codes = rand(16, 3);

        var dense = nn.functional.linear(codes, p["decoder.0.weight"], p["decoder.0.bias"]).relu()
            .reshape(16, 8, stages[1].OutputHeight, stages[1].OutputWidth);
        var middle = DirectTransposedConvolution(dense, p["transposedConvolutions.0.weight"], p["transposedConvolutions.0.bias"], stages[1].InputHeight, stages[1].InputWidth);
        var expected = DirectTransposedConvolution(middle.relu(), p["transposedConvolutions.1.weight"], p["transposedConvolutions.1.bias"], height, width)
            .sigmoid().flatten(1);

        for (var call = 0; call < 4; call++)
            Assert.True(network.Decode(codes).allclose(expected, rtol: 0, atol: 1e-5), $"call {call}");
    }

    public static TheoryData<int, int, int, int> StageShapes() => new()
    {
        // in channels, out channels, input height, input width: the shapes libtorch's oneDNN kernels got wrong on
        // AVX-512 (4 -> 1 and 1 -> 1 at 7 x 9, 4 -> 1 at 4 x 4, 4 -> 2 at 7 x 9), odd and even sizes, and the default network's.
        { 1, 4, 7, 9 }, { 1, 1, 7, 9 }, { 1, 4, 4, 4 }, { 2, 4, 7, 9 }, { 3, 4, 14, 17 }, { 1, 8, 2, 2 }, { 1, 32, 28, 28 }, { 32, 64, 14, 14 },
    };

    /// <summary>
    /// Each stage's convolution and transposed convolution, their input gradients and their weight gradients, against
    /// libtorch's convolutions in double precision (which run on libtorch's own kernels: oneDNN has none for doubles),
    /// on the first call and three more.
    /// </summary>
    [Theory]
    [MemberData(nameof(StageShapes))]
    public void EachStageAndItsGradientsAgreeWithADoublePrecisionConvolutionFromTheFirstCallOn(int inChannels, int outChannels, int height, int width)
    {
        using var scope = NewDisposeScope();
        var stage = ConvolutionLayout.Create(new ImageShape(inChannels, height, width), [outChannels]).Stages[0];
        manual_seed(7);
        using var convolution = nn.Conv2d(inChannels, outChannels, 3, stride: 2, padding: 1);
        using var transposed = nn.ConvTranspose2d(outChannels, inChannels, 3, stride: 2, padding: 1);
        var image = randn(16, inChannels, height, width);
        var maps = randn(16, outChannels, stage.OutputHeight, stage.OutputWidth);
        long[] two = [2, 2], one = [1, 1];
        var outputPadding = new long[] { stage.OutputPaddingHeight, stage.OutputPaddingWidth };

        for (var call = 0; call < 4; call++)
        {
            using var callScope = NewDisposeScope();
            var (x, y) = (image.clone().requires_grad_(), maps.clone().requires_grad_());
            var (x64, y64) = (image.to(float64).requires_grad_(), maps.to(float64).requires_grad_());
            var w64 = convolution.weight!.detach().to(float64).requires_grad_();
            var t64 = transposed.weight!.detach().to(float64).requires_grad_();
            convolution.zero_grad();
            transposed.zero_grad();

            var convolved = ImageLayers.Convolve(x, convolution, stage);
            var expanded = ImageLayers.ConvolveTransposed(y, transposed, stage);
            var convolved64 = nn.functional.conv2d(x64, w64, convolution.bias!.detach().to(float64), two, one);
            var expanded64 = nn.functional.conv_transpose2d(y64, t64, transposed.bias!.detach().to(float64), two, one, outputPadding);
            // A weighted sum, so that every output's gradient differs.
            var probe = randn(convolved.shape, generator: new Generator(3));
            var probeBack = randn(expanded.shape, generator: new Generator(4));
            (convolved.mul(probe).sum() + expanded.mul(probeBack).sum()).backward();
            (convolved64.mul(probe.to(float64)).sum() + expanded64.mul(probeBack.to(float64)).sum()).backward();

            Assert.Equal(new long[] { 16, outChannels, stage.OutputHeight, stage.OutputWidth }, convolved.shape);
            Assert.Equal(new long[] { 16, inChannels, height, width }, expanded.shape);
            AssertClose(convolved, convolved64, $"call {call}: convolution");
            AssertClose(expanded, expanded64, $"call {call}: transposed convolution");
            AssertClose(x.grad!, x64.grad!, $"call {call}: the convolution's input gradient");
            AssertClose(y.grad!, y64.grad!, $"call {call}: the transposed convolution's input gradient");
            AssertClose(convolution.weight!.grad!, w64.grad!, $"call {call}: the convolution's weight gradient");
            AssertClose(transposed.weight!.grad!, t64.grad!, $"call {call}: the transposed convolution's weight gradient");
        }
    }

    private static void AssertClose(Tensor actual, Tensor expected, string what)
    {
        using var scope = NewDisposeScope();
        var error = (actual.to(float64) - expected).abs().max().item<double>();
        var scale = Math.Max(1, expected.abs().max().item<double>());
        Assert.True(error <= 1e-5 * scale, $"{what}: max error {error:G3} at scale {scale:G3}");
    }
}
