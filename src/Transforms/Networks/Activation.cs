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
    public static Tensor Apply(this Activation activation, Tensor x) => activation switch
    {
        Activation.Identity => x,
        Activation.Relu => nn.functional.relu(x),
        Activation.LeakyRelu => nn.functional.leaky_relu(x, 0.01),
        Activation.Tanh => x.tanh(),
        Activation.Sigmoid => x.sigmoid(),
        Activation.Elu => nn.functional.elu(x, 1.0),
        Activation.Gelu => nn.functional.gelu(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}
