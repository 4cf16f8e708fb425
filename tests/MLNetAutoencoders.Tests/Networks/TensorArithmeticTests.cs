using Xunit;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.Networks;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Tests.Networks;

/// <summary>
/// Our kept-alive-Scalar forms compute bit for bit what TorchSharp's methods with hidden Scalars compute, so
/// switching to them changed no model and no output.
/// </summary>
public class TensorArithmeticTests
{
    private static bool Same(Tensor a, Tensor b) => a.equal(b).all().item<bool>();

    private static Tensor Values() => linspace(-6, 6, 1001, dtype: ScalarType.Float32).reshape(7, 143);

    [Fact]
    public void SquaredIsTorchSharpsSquareBitForBit()
    {
        using var scope = NewDisposeScope();
        var x = Values();

        Assert.True(Same(x.Squared(), x.square()));
    }

    [Theory]
    [InlineData(Activation.LeakyRelu)]
    [InlineData(Activation.Elu)]
    public void ActivationsAreTorchSharpsFunctionalFormsBitForBit(Activation activation)
    {
        using var scope = NewDisposeScope();
        var x = Values();
        var functional = activation == Activation.LeakyRelu ? nn.functional.leaky_relu(x, 0.01) : nn.functional.elu(x, 1.0);

        var ours = activation.Apply(x);

        Assert.True(Same(ours, functional), $"{activation} differs from nn.functional's");
        Assert.False(Same(ours, x.relu()), "the negative side is not ReLU's");
    }
}
