using TorchSharp;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Native;

/// <summary>
/// Tensor addition, subtraction and squaring with Scalars that live for the process. TorchSharp 0.107's
/// <c>a + b</c>, <c>a - b</c>, <c>add(b)</c> and <c>add_(b)</c> create their alpha of 1, and <c>square()</c> its
/// exponent 2 (it is <c>pow(2)</c>), as an implicit Scalar that nothing references during the native call, so a
/// garbage collection triggered by another thread can free it while libtorch reads it ("Expected false to be true
/// ... toFloat", "INTERNAL ASSERT FAILED at c10/core/Scalar.h", or a wrong value). libtorch computes a - b as
/// a + (-1) b and square as pow(2), so the results are bit for bit those of TorchSharp's methods.
/// </summary>
internal static class TensorArithmetic
{
    /// <summary>1, for the whole process.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>-1, for the whole process.</summary>
    public static readonly Scalar MinusOne = (-1).ToScalar();

    /// <summary>2, for the whole process.</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>1/2, for the whole process.</summary>
    public static readonly Scalar Half = 0.5.ToScalar();

    /// <summary>-1/2, for the whole process.</summary>
    public static readonly Scalar MinusHalf = (-0.5).ToScalar();

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

    /// <summary>a², element-wise (TorchSharp's <c>square()</c> with the exponent kept alive).</summary>
    public static Tensor Squared(this Tensor a) => a.pow(Two);
}
