using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Scoring;

/// <summary>Checks the input column of a scorer and reads it as dense floats.</summary>
internal static class InputColumn
{
    /// <summary>Finds <paramref name="name"/> in <paramref name="schema"/> and checks it is a vector of Single of <paramref name="size"/>.</summary>
    public static DataViewSchema.Column Check(DataViewSchema schema, string name, int size)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"Input column '{name}' not found in the input schema; expected a vector of Single of size {size}.");
        if (column.Type is not VectorDataViewType { ItemType: var item } vector || item != NumberDataViewType.Single || vector.Size != size)
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"Input column '{name}' has type {Describe(column.Type)}; expected a vector of Single of size {size}.");
        return column;
    }

    /// <summary>A readable name for a column type, e.g. "Vector&lt;Double, 784&gt;".</summary>
    public static string Describe(DataViewType type) => type switch
    {
        VectorDataViewType { Size: 0 } v => $"a variable-size Vector<{v.ItemType}>",
        VectorDataViewType v => $"Vector<{v.ItemType}, {v.Size}>",
        KeyDataViewType k => $"Key<{k.RawType.Name}, {k.Count}>",
        _ => type.ToString() ?? type.GetType().Name,
    };

    /// <summary>Copies the current row's vector into <paramref name="destination"/> (densifying sparse vectors).</summary>
    public static void Read(ValueGetter<VBuffer<float>> getter, ref VBuffer<float> buffer, Span<float> destination, string name)
    {
        getter(ref buffer);
        if (buffer.Length != destination.Length)
            throw new InvalidOperationException($"Column '{name}' holds a vector of size {buffer.Length}; expected {destination.Length}.");
        buffer.CopyTo(destination);
    }
}
