using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Validation;

/// <summary>
/// The input-column checks of estimators (on a <see cref="SchemaShape"/>, before training) and transformers (on a
/// <see cref="DataViewSchema"/>, before scoring): messages name the column, its type and what was expected.
/// </summary>
internal static class SchemaChecks
{
    /// <summary>
    /// Checks that <paramref name="schema"/> has <paramref name="name"/> as a known-size vector of Single;
    /// <paramref name="role"/>, when given, says in the message why the column is read (e.g. "the VAE is trained on it").
    /// </summary>
    public static SchemaShape.Column RequireSingleVector(SchemaShape schema, string name, string? role = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var why = role is null ? "" : $" ({role})";
        if (!schema.TryFindColumn(name, out var column))
            throw new ArgumentOutOfRangeException(nameof(schema), $"Input column '{name}' not found{why}; expected a known-size vector of Single.");
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single || column.IsKey)
            throw new ArgumentOutOfRangeException(nameof(schema), $"Input column '{name}'{why} has type {Describe(column)}; expected a known-size vector of Single.");
        return column;
    }

    /// <summary>
    /// Finds <paramref name="name"/> in <paramref name="schema"/> and checks it is a vector of Single of <paramref name="size"/>.
    /// <paramref name="label"/> names the column's part ("Input", "Latent"); <paramref name="expectation"/> replaces the
    /// default "expected a vector of Single of size N" at the end of the message; <paramref name="spellOutSize"/> adds
    /// " (size n)" after a vector's type, for an expectation that states the size in words.
    /// </summary>
    public static DataViewSchema.Column RequireSingleVector(DataViewSchema schema, string name, int size, string label = "Input",
        string? expectation = null, bool spellOutSize = false)
    {
        ArgumentNullException.ThrowIfNull(schema);
        expectation ??= $"expected a vector of Single of size {size}";
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"{label} column '{name}' not found in the input schema; {expectation}.");
        if (column.Type is not VectorDataViewType { ItemType: var item } vector || item != NumberDataViewType.Single || vector.Size != size)
            throw new ArgumentOutOfRangeException(nameof(schema), $"{label} column '{name}' has type {Describe(column.Type)}" +
                (spellOutSize && column.Type is VectorDataViewType v ? $" (size {v.Size})" : "") + $"; {expectation}.");
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

    /// <summary>A readable name for a column shape, e.g. "variable-size Vector&lt;Single&gt;" (a shape has no size).</summary>
    public static string Describe(SchemaShape.Column column)
    {
        var item = column.IsKey ? $"Key<{column.ItemType}>" : column.ItemType.ToString();
        return column.Kind switch
        {
            SchemaShape.Column.VectorKind.Scalar => $"scalar {item}",
            SchemaShape.Column.VectorKind.VariableVector => $"variable-size Vector<{item}>",
            _ => $"Vector<{item}>",
        };
    }
}
