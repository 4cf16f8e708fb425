namespace MLNetAutoencoders;

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
