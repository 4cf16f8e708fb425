using TorchSharp;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Networks;

/// <summary>Applies an <see cref="Activation"/> to a tensor.</summary>
internal static class ActivationFunctions
{
    // Scalars that live for the process: TorchSharp 0.107's nn.functional.leaky_relu(x, double) and elu(x, double)
    // turn their numbers into Scalars inside themselves, unreferenced during the native call (see TensorArithmetic).
    // The values and the native calls are theirs (negative slope 0.01; alpha, scale and input scale 1).
    private static readonly Scalar LeakyReluSlope = 0.01.ToScalar();
    private static readonly Scalar EluOne = 1.0.ToScalar();

    public static Tensor Apply(this Activation activation, Tensor x) => activation switch
    {
        Activation.Identity => x,
        Activation.Relu => nn.functional.relu(x),
        Activation.LeakyRelu => x.leaky_relu(LeakyReluSlope),
        Activation.Tanh => x.tanh(),
        Activation.Sigmoid => x.sigmoid(),
        Activation.Elu => x.elu(EluOne, EluOne, EluOne),
        Activation.Gelu => nn.functional.gelu(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}
