using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Scoring;

/// <summary>Reads a scorer's input column as dense floats (<see cref="Validation.SchemaChecks"/> checks it first).</summary>
internal static class InputColumn
{
    /// <summary>Copies the current row's vector into <paramref name="destination"/> (densifying sparse vectors).</summary>
    public static void Read(ValueGetter<VBuffer<float>> getter, ref VBuffer<float> buffer, Span<float> destination, string name)
    {
        getter(ref buffer);
        if (buffer.Length != destination.Length)
            throw new InvalidOperationException($"Column '{name}' holds a vector of size {buffer.Length}; expected {destination.Length}.");
        buffer.CopyTo(destination);
    }
}
