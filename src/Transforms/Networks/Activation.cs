using TorchSharp;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Networks;

/// <summary>Element-wise activation functions available for hidden, latent and output layers.</summary>
public enum Activation
{
    /// <summary>No activation: f(x) = x.</summary>
    Identity = 0,
    /// <summary>Rectified linear unit.</summary>
    Relu = 1,
    /// <summary>Leaky ReLU with slope 0.01 for negative inputs.</summary>
    LeakyRelu = 2,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh = 3,
    /// <summary>Logistic sigmoid, output in (0, 1).</summary>
    Sigmoid = 4,
    /// <summary>Exponential linear unit.</summary>
    Elu = 5,
    /// <summary>Gaussian error linear unit.</summary>
    Gelu = 6,
}

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
