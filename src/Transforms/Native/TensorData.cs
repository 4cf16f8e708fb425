using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Native;

/// <summary>
/// Bulk copies between managed float spans and CPU tensors through the tensor's own storage. TorchSharp's
/// element accessor (<c>data&lt;float&gt;().CopyFrom/CopyTo</c>) copies element by element: ~14 ms for a
/// 1024x784 batch against ~0.1 ms here, which halved scoring throughput.
/// </summary>
internal static class TensorData
{
    /// <summary>Copies <paramref name="values"/> into <paramref name="tensor"/> (contiguous float32 on the CPU, same element count).</summary>
    public static void Write(Tensor tensor, ReadOnlySpan<float> values)
    {
        var storage = Floats(tensor);
        if (values.Length != storage.Length)
            throw new ArgumentException($"Expected {storage.Length} values for a tensor of shape [{string.Join(", ", tensor.shape)}]; got {values.Length}.", nameof(values));
        values.CopyTo(storage);
    }

    /// <summary>Copies all of <paramref name="tensor"/>'s values, in row-major order, to the start of <paramref name="destination"/>.</summary>
    public static void Read(Tensor tensor, Span<float> destination)
    {
        using var contiguous = tensor.contiguous();
        Floats(contiguous).CopyTo(destination);
    }

    /// <summary>The values of a contiguous float32 CPU tensor, in place (valid while the tensor lives).</summary>
    public static Span<float> Floats(Tensor tensor)
    {
        if (tensor.dtype != ScalarType.Float32 || tensor.device_type != TorchSharp.DeviceType.CPU || !tensor.is_contiguous())
            throw new InvalidOperationException($"Expected a contiguous float32 CPU tensor; got {tensor.dtype} on {tensor.device_type}.");
        return MemoryMarshal.Cast<byte, float>(tensor.bytes);
    }
}
