using Xunit;
using MLNetAutoencoders.Networks;

namespace MLNetAutoencoders.Tests.Networks;

/// <summary>
/// The architecture rule of convolutional autoencoders: kernel-3, stride-2, padding-1 stages that halve every size,
/// mirrored exactly by transposed convolutions, and the limits a model file is checked against.
/// </summary>
public class ConvolutionLayoutTests
{
    private static ConvolutionLayout RuleStage(int height, int width) =>
        new(new ImageShape(1, height, width), new[] { 4 }, new[] { 3 }, new[] { 2 }, new[] { 1 });

    [Fact]
    public void EverySizeFrom1To64IsHalvedRoundingUpAndTheTransposedStageRestoresItExactly()
    {
        for (var size = 1; size <= 64; size++)
        {
            var other = 65 - size; // a different width, so height and width are checked apart
            var stage = RuleStage(size, other).Stages[0];

            Assert.Equal((size + 1) / 2, stage.OutputHeight);
            Assert.Equal((other + 1) / 2, stage.OutputWidth);
            // PyTorch's ConvTranspose2d output size: (in - 1)·stride - 2·padding + kernel + output_padding.
            Assert.Equal(size, (stage.OutputHeight - 1) * 2 - 2 + 3 + stage.OutputPaddingHeight);
            Assert.Equal(other, (stage.OutputWidth - 1) * 2 - 2 + 3 + stage.OutputPaddingWidth);
            Assert.InRange(stage.OutputPaddingHeight, 0, stage.Stride - 1);
            Assert.InRange(stage.OutputPaddingWidth, 0, stage.Stride - 1);
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 0)]
    [InlineData(4, 1)]
    [InlineData(7, 0)]
    [InlineData(8, 1)]
    [InlineData(27, 0)]
    [InlineData(28, 1)]
    [InlineData(32, 1)]
    [InlineData(64, 1)]
    public void TheOutputPaddingIsOneForAnEvenSizeAndZeroForAnOddOneAsPyTorchComputedIt(int size, int outputPadding)
    {
        var stage = RuleStage(size, size).Stages[0];

        Assert.Equal(outputPadding, stage.OutputPaddingHeight);
        Assert.Equal(outputPadding, stage.OutputPaddingWidth);
    }

    [Fact]
    public void TheRuleMaps28x28Through14x14To7x7AndMirrorsIt()
    {
        var layout = ConvolutionLayout.Create(new ImageShape(1, 28, 28), new[] { 32, 64 });

        Assert.Equal(
            new[] { new ConvolutionStage(1, 32, 3, 2, 1, 28, 28, 14, 14, 1, 1), new ConvolutionStage(32, 64, 3, 2, 1, 14, 14, 7, 7, 1, 1) },
            layout.Stages);
        Assert.Equal(64 * 7 * 7, layout.FlattenedSize);
        Assert.Equal(320 + 18_496 + 18_464 + 289, layout.ParameterCount);
        Assert.Equal("1 x 28 x 28 -> conv [32, 64] (64 x 7 x 7)", layout.ToString());
    }

    // Expected counts: the same networks built in PyTorch 1.13 (design doc §3, "Evidence"), summed over parameters().
    [Theory]
    [InlineData(1, 28, 28, new[] { 32, 64 }, 32, AutoencoderKind.Undercomplete, 241_441)]
    [InlineData(3, 32, 32, new[] { 32, 64 }, 32, AutoencoderKind.Undercomplete, 304_995)]
    [InlineData(1, 7, 9, new[] { 32, 64 }, 32, AutoencoderKind.Undercomplete, 62_561)]
    [InlineData(1, 4, 4, new[] { 4, 8 }, 3, AutoencoderKind.Undercomplete, 724)]
    [InlineData(1, 28, 28, new[] { 32, 64 }, 32, AutoencoderKind.Variational, 341_825)]
    [InlineData(1, 28, 28, new[] { 32, 64 }, 2, AutoencoderKind.Undercomplete, 53_251)]
    public void TheParameterCountEqualsPyTorchsForTheSameNetwork(int channels, int height, int width, int[] stageChannels,
        int latent, AutoencoderKind kind, long expected)
    {
        var image = new ImageShape(channels, height, width);
        var description = new NetworkDescription(kind, channels * height * width, Array.Empty<int>(), latent,
            Activation.Relu, Activation.Identity, Activation.Sigmoid, 0, ConvolutionLayout.Create(image, stageChannels));

        Assert.Equal(expected, description.ParameterCount);
        Assert.Equal(image, description.ImageShape);
    }

    [Fact]
    public void AnOddSizedImageKeepsItsOddSizesThroughTheStages()
    {
        var layout = ConvolutionLayout.Create(new ImageShape(1, 7, 9), new[] { 32, 64 });

        Assert.Equal(new[] { (4, 5), (2, 3) }, layout.Stages.Select(s => (s.OutputHeight, s.OutputWidth)));
        Assert.Equal(new[] { (0, 0), (1, 0) }, layout.Stages.Select(s => (s.OutputPaddingHeight, s.OutputPaddingWidth)));
        Assert.Equal(64 * 2 * 3, layout.FlattenedSize);
    }

    [Theory]
    [InlineData(new int[0], "ConvolutionChannels must be 1 to 8 channel counts; got 0.")]
    [InlineData(new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1 }, "ConvolutionChannels must be 1 to 8 channel counts; got 9.")]
    [InlineData(new[] { 32, 0 }, "ConvolutionChannels must be channel counts in [1, 4096]; got 0.")]
    [InlineData(new[] { 4097 }, "ConvolutionChannels must be channel counts in [1, 4096]; got 4097.")]
    public void InvalidConvolutionChannelsAreRejectedInTheOptionsWords(int[] channels, string message)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ConvolutionLayout.Create(new ImageShape(1, 28, 28), channels));

        Assert.StartsWith(message, ex.Message);
        Assert.Equal("ConvolutionChannels", ex.ParamName);
    }

    [Fact]
    public void NullConvolutionChannelsAreRejectedInTheOptionsWords()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ConvolutionLayout.Create(new ImageShape(1, 28, 28), null!));

        Assert.StartsWith("ConvolutionChannels must be 1 to 8 channel counts; got null.", ex.Message);
    }

    [Theory]
    [InlineData(1, 4, 4, 3, "ConvolutionChannels has 3 stride-2 stages; ImageShape 1 x 4 x 4 allows at most 2 (4 x 4 -> 2 x 2 -> 1 x 1).")]
    [InlineData(1, 28, 28, 6, "ConvolutionChannels has 6 stride-2 stages; ImageShape 1 x 28 x 28 allows at most 5 (28 x 28 -> 14 x 14 -> 7 x 7 -> 4 x 4 -> 2 x 2 -> 1 x 1).")]
    [InlineData(3, 1, 1, 1, "ConvolutionChannels has 1 stride-2 stages; ImageShape 3 x 1 x 1 allows at most 0 (1 x 1).")]
    public void MoreStagesThanTheImageCanBeHalvedAreRejected(int channels, int height, int width, int stages, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            ConvolutionLayout.Create(new ImageShape(channels, height, width), Enumerable.Repeat(4, stages).ToArray()));

        Assert.StartsWith(message, ex.Message);
    }

    [Theory]
    [InlineData(1, 28, 28, 5)]
    [InlineData(1, 4, 4, 2)]
    [InlineData(1, 7, 9, 4)]
    [InlineData(1, 1, 2, 1)]
    public void AsManyStagesAsTheImageCanBeHalvedAreAccepted(int channels, int height, int width, int stages)
    {
        var layout = ConvolutionLayout.Create(new ImageShape(channels, height, width), Enumerable.Repeat(4, stages).ToArray());

        Assert.Equal((1, 1), (layout.Stages[^1].OutputHeight, layout.Stages[^1].OutputWidth));
    }

    public static TheoryData<int[], int[], int[], int[], string> InvalidStages => new()
    {
        { new int[0], new int[0], new int[0], new int[0], "A convolutional network must have 1 to 8 stages; got 0." },
        { new int[9], new int[9], new int[9], new int[9], "A convolutional network must have 1 to 8 stages; got 9." },
        { new[] { 4 }, new[] { 3, 3 }, new[] { 2 }, new[] { 1 }, "Every stage needs channels, a kernel size, a stride and a padding; got 1, 2, 1 and 1." },
        { new[] { 4, 0 }, new[] { 3, 3 }, new[] { 2, 2 }, new[] { 1, 1 }, "Stage 2's channel count must be in [1, 4096]; got 0." },
        { new[] { 4097 }, new[] { 3 }, new[] { 2 }, new[] { 1 }, "Stage 1's channel count must be in [1, 4096]; got 4097." },
        { new[] { 4 }, new[] { 0 }, new[] { 1 }, new[] { 0 }, "Stage 1's kernel size must be in [1, 15]; got 0." },
        { new[] { 4 }, new[] { 16 }, new[] { 2 }, new[] { 1 }, "Stage 1's kernel size must be in [1, 15]; got 16." },
        { new[] { 4 }, new[] { 3 }, new[] { 0 }, new[] { 1 }, "Stage 1's stride must be in [1, 3] (at most its kernel size); got 0." },
        { new[] { 4 }, new[] { 3 }, new[] { 4 }, new[] { 1 }, "Stage 1's stride must be in [1, 3] (at most its kernel size); got 4." },
        { new[] { 4 }, new[] { 3 }, new[] { 2 }, new[] { -1 }, "Stage 1's padding must be in [0, 2] (below its kernel size); got -1." },
        { new[] { 4 }, new[] { 3 }, new[] { 2 }, new[] { 3 }, "Stage 1's padding must be in [0, 2] (below its kernel size); got 3." },
        { new[] { 4, 4 }, new[] { 3, 7 }, new[] { 2, 2 }, new[] { 1, 1 }, "Stage 2's kernel 7 with padding 1 does not fit its 4 x 4 input: its output would be empty." },
    };

    [Theory]
    [MemberData(nameof(InvalidStages))]
    public void InvalidStagesAreRejectedWithAMessageNamingTheStageAndTheValue(int[] channels, int[] kernels, int[] strides, int[] paddings, string message)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new ConvolutionLayout(new ImageShape(1, 8, 8), channels, kernels, strides, paddings));

        Assert.StartsWith(message, ex.Message);
    }

    [Fact]
    public void AStageOutputtingMoreThan2To22ValuesPerRowIsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            new ConvolutionLayout(new ImageShape(1, 1024, 1024), new[] { 5 }, new[] { 1 }, new[] { 1 }, new[] { 0 }));

        Assert.StartsWith("Stage 1 outputs 5 x 1024 x 1024 = 5242880 values per row; at most 4194304 are allowed.", ex.Message);
    }

    [Fact]
    public void FeatureMapsFlattenedToMoreThanTheLargestLayerSizeAreRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            new ConvolutionLayout(new ImageShape(1, 1024, 1024), new[] { 2 }, new[] { 1 }, new[] { 1 }, new[] { 0 }));

        Assert.StartsWith("The last stage's feature maps, 2 x 1024 x 1024 = 2097152 values, exceed the largest layer size, 1048576.", ex.Message);
    }

    [Theory]
    [InlineData(0, 28, 28, "channels", "Channels must be a positive value; got 0.")]
    [InlineData(1, -1, 28, "height", "Height must be a positive value; got -1.")]
    [InlineData(1, 28, 0, "width", "Width must be a positive value; got 0.")]
    [InlineData(1, 28, (1 << 20) + 1, "width", "Width must be at most 1048576; got 1048577.")]
    public void AnImageShapeOutOfRangeNamesTheValue(int channels, int height, int width, string parameter, string message)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ImageShape(channels, height, width));

        Assert.Equal(parameter, ex.ParamName);
        Assert.StartsWith(message, ex.Message);
    }

    [Fact]
    public void AnImageShapeIsChannelsByHeightByWidth()
    {
        var shape = new ImageShape(channels: 3, height: 32, width: 30);

        Assert.Equal("3 x 32 x 30", shape.ToString());
        Assert.Equal(3L * 32 * 30, shape.Size);
        Assert.Equal(new ImageShape(3, 32, 30), shape);
        Assert.NotEqual(new ImageShape(3, 30, 32), shape);
        Assert.Equal(new ImageShape(3, 32, 30).GetHashCode(), shape.GetHashCode());
    }
}
