using Xunit;
using MLNetAutoencoders.Networks;

namespace MLNetAutoencoders.Tests.Networks;

/// <summary>The network description is what a model file is checked against before anything is allocated.</summary>
public class NetworkDescriptionTests
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
}
