using Xunit;
using Xunit.Abstractions;
using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Tests.Infrastructure;

namespace MLNetAutoencoders.Tests.Networks;

/// <summary>The network description is what a model file is checked against before anything is allocated.</summary>
public class NetworkDescriptionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(AutoencoderKind.Undercomplete, new[] { 32, 16 })]
    [InlineData(AutoencoderKind.Variational, new[] { 20 })]
    [InlineData(AutoencoderKind.KSparse, new int[0])]
    public void ParameterCountMatchesTheBuiltNetwork(AutoencoderKind kind, int[] hidden)
    {
        var description = new NetworkDescription(kind, 50, hidden, 6, Activation.Relu, Activation.Identity, Activation.Sigmoid, scoringTopK: 3);
        using var network = new AutoencoderNetwork(description);

        Assert.Equal(network.parameters().Sum(p => p.numel()), description.ParameterCount);
    }

    [Fact]
    public void ADescriptionClaimingMoreWeightsThanTheEntryHoldsIsRejectedBeforeAllocation()
    {
        var huge = new NetworkDescription(AutoencoderKind.Undercomplete, 1 << 20, new[] { 1 << 20 }, 1 << 19, Activation.Relu, Activation.Identity, Activation.Identity);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            huge.Write(writer);
            writer.Write(new byte[1000]);
        }
        stream.Position = 0;

        var ex = Assert.Throws<FormatException>(() => NetworkDescription.Read(new BinaryReader(stream)));
        Assert.Contains($"{huge.ParameterCount} parameters but holds only 1000 more bytes", ex.Message);
    }

    [Theory]
    [InlineData(0, 4, "inputSize")]
    [InlineData(8, 0, "latentDimension")]
    public void ImpossibleSizesAreRejected(int input, int latent, string parameter)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new NetworkDescription(AutoencoderKind.Undercomplete, input, new[] { 4 }, latent, Activation.Relu, Activation.Identity, Activation.Identity));
        Assert.Equal(parameter, ex.ParamName);
    }

    private static NetworkDescription Mlp() =>
        new(AutoencoderKind.KSparse, 12, new[] { 8, 5 }, 4, Activation.Tanh, Activation.Identity, Activation.Sigmoid, scoringTopK: 2);

    // The golden models' conv network: 1 x 4 x 4, channels [4, 8], code 3 (724 parameters).
    private static NetworkDescription Conv(AutoencoderKind kind = AutoencoderKind.Variational) =>
        new(kind, 16, Array.Empty<int>(), 3, Activation.Relu, Activation.Identity, Activation.Sigmoid, 0,
            ConvolutionLayout.Create(new ImageShape(1, 4, 4), new[] { 4, 8 }));

    private static int[] Ints(byte[] bytes) =>
        Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToInt32(bytes, 4 * i)).ToArray();

    private static byte[] Bytes(Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
            write(writer);
        return stream.ToArray();
    }

    /// <summary>The description's ints followed by room for its weights, as in an entry.</summary>
    private static BinaryReader Entry(int[] description, long parameterCount)
    {
        var bytes = description.SelectMany(BitConverter.GetBytes).Concat(new byte[parameterCount * sizeof(float)]).ToArray();
        return new BinaryReader(new MemoryStream(bytes));
    }

    [Fact]
    public void VersionOneIsTodaysFormatFieldForField()
    {
        var written = Ints(Bytes(Mlp().Write));

        // kind, input, hidden count, hidden sizes, latent, hidden/latent/output activation, scoring top-k: no version, no architecture.
        Assert.Equal(new[] { (int)AutoencoderKind.KSparse, 12, 2, 8, 5, 4, (int)Activation.Tanh, (int)Activation.Identity, (int)Activation.Sigmoid, 2 }, written);
        Assert.Equal(written, Ints(Bytes(w => Mlp().Write(w, carriesVersion: false))));
    }

    [Fact]
    public void VersionTwoOfAPerceptronIsItsVersionNumberThenVersionOnesFieldsThenArchitectureZero()
    {
        var written = Ints(Bytes(w => Mlp().Write(w, carriesVersion: true)));

        Assert.Equal(new[] { 2 }.Concat(Ints(Bytes(Mlp().Write))).Append(0), written);
    }

    [Fact]
    public void VersionTwoOfAConvolutionalNetworkStoresTheImageAndEachStagesChannelsKernelStrideAndPadding()
    {
        var written = Ints(Bytes(w => Conv().Write(w, carriesVersion: true)));

        Assert.Equal(new[]
        {
            2, (int)AutoencoderKind.Variational, 16, 0, 3, (int)Activation.Relu, (int)Activation.Identity, (int)Activation.Sigmoid, 0,
            1, 1, 4, 4, 2, 4, 3, 2, 1, 8, 3, 2, 1,
        }, written);
    }

    [Fact]
    public void AConvolutionalNetworkCannotBeWrittenAsVersionOne()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Bytes(Conv().Write));

        Assert.Contains("version 1 cannot hold a convolutional network", ex.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void APerceptronRoundTripsThroughBothVersions(bool carriesVersion)
    {
        var original = Mlp();
        var bytes = Bytes(w => original.Write(w, carriesVersion));

        var read = NetworkDescription.Read(Entry(Ints(bytes), original.ParameterCount), carriesVersion);

        Assert.Equal((original.Kind, original.InputSize, original.LatentDimension, original.HiddenActivation, original.LatentActivation, original.OutputActivation, original.ScoringTopK),
            (read.Kind, read.InputSize, read.LatentDimension, read.HiddenActivation, read.LatentActivation, read.OutputActivation, read.ScoringTopK));
        Assert.Equal(original.HiddenSizes, read.HiddenSizes);
        Assert.Null(read.Convolution);
        Assert.Equal(bytes, Bytes(w => read.Write(w, carriesVersion)));
    }

    [Theory]
    [InlineData(AutoencoderKind.Undercomplete, 724)]
    [InlineData(AutoencoderKind.Variational, 724 + 8 * 3 + 3)]
    public void AConvolutionalNetworkRoundTripsThroughVersionTwo(AutoencoderKind kind, long parameters)
    {
        var original = Conv(kind);
        var bytes = Bytes(w => original.Write(w, carriesVersion: true));
        var reader = Entry(Ints(bytes), original.ParameterCount);

        var read = NetworkDescription.Read(reader, carriesVersion: true);

        Assert.Equal(bytes.Length, reader.BaseStream.Position);
        Assert.Equal(new ImageShape(1, 4, 4), read.ImageShape);
        Assert.Equal(original.Convolution!.Stages, read.Convolution!.Stages);
        Assert.Equal(parameters, read.ParameterCount);
        Assert.Equal(kind, read.Kind);
        Assert.Equal(bytes, Bytes(w => read.Write(w, carriesVersion: true)));
    }

    // Index of each int in Conv()'s version-2 description: 0 version, 1 kind, 2 input, 3 hidden count, 4 latent,
    // 5-7 activations, 8 top-k, 9 architecture, 10-12 image, 13 stage count, 14-17 stage 1, 18-21 stage 2.
    [Theory]
    [InlineData(0, 3, "description version 3; this library reads versions 1 to 2: the file was written by a newer MLNetAutoencoders.")]
    [InlineData(0, 0, "description version 0; this library reads versions 1 to 2.")]
    [InlineData(0, -1, "description version -1; this library reads versions 1 to 2.")]
    [InlineData(9, 2, "architecture 2; expected 0 (multilayer perceptron) or 1 (convolutional).")]
    [InlineData(10, 0, "Channels must be a positive value; got 0.")]
    [InlineData(11, int.MaxValue, "Height must be at most 1048576; got 2147483647.")]
    [InlineData(12, 5, "The image 1 x 4 x 5 holds 20 values; the input size is 16.")]
    [InlineData(13, 0, "0 convolution stages; 1 to 8 are allowed.")]
    [InlineData(13, int.MaxValue, "2147483647 convolution stages; 1 to 8 are allowed.")]
    [InlineData(14, 4097, "Stage 1's channel count must be in [1, 4096]; got 4097.")]
    [InlineData(15, 16, "Stage 1's kernel size must be in [1, 15]; got 16.")]
    [InlineData(16, 0, "Stage 1's stride must be in [1, 3] (at most its kernel size); got 0.")]
    [InlineData(21, 3, "Stage 2's padding must be in [0, 2] (below its kernel size); got 3.")]
    [InlineData(19, 15, "Stage 2's kernel 15 with padding 1 does not fit its 2 x 2 input: its output would be empty.")]
    public void AnInvalidVersionTwoFieldIsAFormatExceptionBeforeAnythingIsAllocated(int index, int value, string reason)
    {
        var description = Ints(Bytes(w => Conv().Write(w, carriesVersion: true)));
        description[index] = value;
        var liveBefore = LiveTensors.OnThisThread;

        var ex = Assert.Throws<FormatException>(() => NetworkDescription.Read(Entry(description, Conv().ParameterCount), carriesVersion: true));

        Assert.StartsWith($"Model file describes an invalid network: {reason}", ex.Message);
        Assert.Equal(liveBefore, LiveTensors.OnThisThread);
    }

    /// <summary>The values each int of a description is overwritten with: zero, negative, one, just above the largest layer size, the largest int.</summary>
    private static readonly int[] FuzzValues = [0, -1, 1, NetworkDescription.MaxLayerSize + 1, int.MaxValue];

    [Fact]
    public void EveryIntOfAVersionTwoConvolutionOverwrittenWithAnExtremeValueIsRejectedBeforeAllocationOrRebuildsANetworkTheEntryHoldsTheWeightsOf()
    {
        var valid = Ints(Bytes(w => Conv().Write(w, carriesVersion: true)));
        var failures = new List<string>();
        var accepted = new List<string>();
        var rejected = 0;

        for (var index = 0; index < valid.Length; index++)
        {
            foreach (var value in FuzzValues)
            {
                if (valid[index] == value) continue;
                var description = (int[])valid.Clone();
                description[index] = value;
                var reader = Entry(description, Conv().ParameterCount);
                var liveBefore = LiveTensors.OnThisThread;
                var mutation = $"int {index} = {value}";
                NetworkDescription read;
                try
                {
                    read = NetworkDescription.Read(reader, carriesVersion: true);
                }
                catch (FormatException)
                {
                    rejected++;
                    if (LiveTensors.OnThisThread != liveBefore)
                        failures.Add($"{mutation}: rejected, but {LiveTensors.OnThisThread - liveBefore} tensors were allocated");
                    continue;
                }
                catch (Exception ex)
                {
                    failures.Add($"{mutation}: {ex.GetType().Name}, not FormatException: {ex.Message}");
                    continue;
                }

                // Accepted: its weights fit in the bytes that follow it, and the network it rebuilds has exactly that many.
                var left = reader.BaseStream.Length - reader.BaseStream.Position;
                if (read.ParameterCount * sizeof(float) > left)
                    failures.Add($"{mutation}: accepted a description of {read.ParameterCount} parameters with {left} bytes left");
                using (var network = new AutoencoderNetwork(read))
                {
                    var built = network.parameters().Sum(p => p.numel());
                    if (built != read.ParameterCount)
                        failures.Add($"{mutation}: the description counts {read.ParameterCount} parameters, the rebuilt network has {built}");
                }
                accepted.Add($"{mutation} ({read.ParameterCount} parameters)");
            }
        }

        output.WriteLine($"{rejected} rejected; {accepted.Count} accepted: {string.Join("; ", accepted)}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(Conv().ParameterCount, NetworkDescription.Read(Entry(valid, Conv().ParameterCount), carriesVersion: true).ParameterCount);
        Assert.InRange(rejected, 1, valid.Length * FuzzValues.Length);
        Assert.NotEmpty(accepted);
    }

    [Fact]
    public void AVersionTwoConvolutionClaimingMoreWeightsThanTheEntryHoldsIsRejected()
    {
        var description = Ints(Bytes(w => Conv().Write(w, carriesVersion: true)));
        description[18] = 4096; // stage 2's channels: 4 x 4096 x 9 weights each way, far beyond the 751 parameters present

        var ex = Assert.Throws<FormatException>(() => NetworkDescription.Read(Entry(description, Conv().ParameterCount), carriesVersion: true));

        Assert.Contains($"parameters but holds only {Conv().ParameterCount * sizeof(float)} more bytes", ex.Message);
    }

    [Theory]
    [InlineData(AutoencoderKind.Undercomplete, new[] { 8 })]
    [InlineData(AutoencoderKind.Variational, new[] { 6, 5 })]
    public void AConvolutionalNetworkWithDenseLayersAfterItsStagesCountsAndRoundTripsThemThroughVersionTwo(AutoencoderKind kind, int[] hidden)
    {
        var original = new NetworkDescription(kind, 16, hidden, 3, Activation.Relu, Activation.Identity, Activation.Sigmoid, 0,
            ConvolutionLayout.Create(new ImageShape(1, 4, 4), new[] { 4, 8 }));
        using var network = new AutoencoderNetwork(original);
        var bytes = Bytes(w => original.Write(w, carriesVersion: true));

        var read = NetworkDescription.Read(Entry(Ints(bytes), original.ParameterCount), carriesVersion: true);

        Assert.Equal(network.parameters().Sum(p => p.numel()), original.ParameterCount);
        // The dense layers start from the flattened maps (8 x 1 x 1), not from the 16 pixels.
        Assert.Equal(new long[] { hidden[0], 8 }, network.EncoderLayers[0].weight!.shape);
        Assert.Equal(hidden, read.HiddenSizes);
        Assert.Equal(original.Convolution!.Stages, read.Convolution!.Stages);
        Assert.Equal(original.ParameterCount, read.ParameterCount);
        Assert.Equal(bytes, Bytes(w => read.Write(w, carriesVersion: true)));
    }
}
