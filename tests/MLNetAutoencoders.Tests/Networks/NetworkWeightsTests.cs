using MLNetAutoencoders.Persistence;
using TorchSharp;
using Xunit;
using MLNetAutoencoders.Networks;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Networks;

/// <summary>A model file's weights are read back only when every value is one training can produce.</summary>
public class NetworkWeightsTests
{
    private static readonly NetworkDescription Description =
        new(AutoencoderKind.Undercomplete, 8, [4], 2, Activation.Relu, Activation.Identity, Activation.Identity);

    [Theory]
    [InlineData(0.25f)]
    [InlineData(-NetworkWeights.MaxMagnitude)]
    public void WeightsUpToTheMaximumMagnitudeReadBackExactly(float value)
    {
        var read = RoundTrip(value);

        using var network = read();
        using var first = network.parameters().First().flatten();
        Assert.Equal(value, first[3].item<float>());
    }

    [Theory]
    [InlineData(3.4e37f)] // 0.1 with its exponent's top bit flipped
    [InlineData(-2 * NetworkWeights.MaxMagnitude)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NaN)]
    public void AWeightBeyondTheMaximumMagnitudeIsRejectedAsACorruptedFile(float value)
    {
        var read = RoundTrip(value);

        var ex = Assert.Throws<FormatException>(() => read().Dispose());
        Assert.Contains("Weight 'encoder.0.weight' holds", ex.Message);
        Assert.Contains("at index 3", ex.Message);
        Assert.Contains("corrupted", ex.Message);
    }

    /// <summary>Writes a network whose first weight tensor holds <paramref name="value"/> at index 3; returns its reader.</summary>
    private static Func<AutoencoderNetwork> RoundTrip(float value)
    {
        using var stream = new MemoryStream();
        using (var network = new AutoencoderNetwork(Description))
        using (no_grad())
        {
            var first = network.parameters().First();
            using var flat = first.view(-1);
            using var replacement = tensor(value);
            using var target = flat[3];
            target.copy_(replacement);
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            NetworkWeights.Write(writer, network);
        }
        var bytes = stream.ToArray();
        return () => NetworkWeights.ReadNetwork(new BinaryReader(new MemoryStream(bytes)), Description);
    }
}
