using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Validation;

namespace MLNetAutoencoders.Scoring;

/// <summary>Checks the input column of a scorer and reads it as dense floats.</summary>
internal static class InputColumn
{
    /// <summary>Finds <paramref name="name"/> in <paramref name="schema"/> and checks it is a vector of Single of <paramref name="size"/>.</summary>
    public static DataViewSchema.Column Check(DataViewSchema schema, string name, int size) => SchemaChecks.RequireSingleVector(schema, name, size);

    /// <summary>A readable name for a column type, e.g. "Vector&lt;Double, 784&gt;".</summary>
    public static string Describe(DataViewType type) => SchemaChecks.Describe(type);

    /// <summary>Copies the current row's vector into <paramref name="destination"/> (densifying sparse vectors).</summary>
    public static void Read(ValueGetter<VBuffer<float>> getter, ref VBuffer<float> buffer, Span<float> destination, string name)
    {
        getter(ref buffer);
        if (buffer.Length != destination.Length)
            throw new InvalidOperationException($"Column '{name}' holds a vector of size {buffer.Length}; expected {destination.Length}.");
        buffer.CopyTo(destination);
    }
}
