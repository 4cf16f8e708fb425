using TorchSharp;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Networks;

/// <summary>
/// Tensor addition and subtraction with an explicit alpha. TorchSharp 0.107's <c>a + b</c>, <c>a - b</c>,
/// <c>add(b)</c> and <c>add_(b)</c> create their alpha of 1 as an implicit Scalar that nothing references during
/// the native call, so a garbage collection triggered by another thread can free it while libtorch reads it
/// ("Expected false to be true ... toFloat", or a wrong value). These pass alphas that live for the process.
/// libtorch computes a - b as a + (-1) b, so the results are bit for bit those of the operators.
/// </summary>
internal static class TensorArithmetic
{
    private static readonly Scalar One = 1.ToScalar();
    private static readonly Scalar MinusOne = (-1).ToScalar();

    /// <summary>a + b.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a - b.</summary>
    public static Tensor Minus(this Tensor a, Tensor b) => a.add(b, MinusOne);

    /// <summary>a + s.</summary>
    public static Tensor Plus(this Tensor a, Scalar s) => a.add(s, One);

    /// <summary>a += b, in place.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    /// <summary>a -= b, in place.</summary>
    public static Tensor MinusInPlace(this Tensor a, Tensor b) => a.add_(b, MinusOne);

    /// <summary>a += s, in place.</summary>
    public static Tensor PlusInPlace(this Tensor a, Scalar s) => a.add_(s, One);
}
