using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Networks;

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

    /// <summary>
    /// Finds <paramref name="name"/> in <paramref name="schema"/> and checks that it holds <paramref name="image"/>: a vector
    /// of Single of the image's size and, when the column has three dimensions (as ExtractPixels' output has), the image's
    /// in planar order: channels, height, width. Each failure says what to change in the image pipeline: the colours
    /// extracted, the interleaving or the resize. A column without dimensions is checked by size only.
    /// </summary>
    public static DataViewSchema.Column RequireImage(DataViewSchema schema, string name, ImageShape image)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(image);
        var expectation = $"expected a vector of Single holding ImageShape {image} ({image.Size} values, channels x height x width)";
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"Input column '{name}' not found in the input schema; {expectation}.");
        if (column.Type is not VectorDataViewType { ItemType: var item, Size: > 0 } vector || item != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(schema), $"Input column '{name}' has type {Describe(column.Type)}; {expectation}.");

        var dims = vector.Dimensions;
        int c = image.Channels, h = image.Height, w = image.Width;
        if (dims.Length == 3 && !(dims[0] == c && dims[1] == h && dims[2] == w))
        {
            var interleaved = dims[0] == h && dims[1] == w;
            if (interleaved && dims[2] == c && c > 1)
                throw new ArgumentOutOfRangeException(nameof(schema),
                    $"Input column '{name}' has dimensions {h} x {w} x {c} (height, width, channels: ExtractPixels with " +
                    $"interleavePixelColors: true); the convolutional network reads channel planes, {image}: extract with " +
                    "interleavePixelColors: false.");
            var samePixels = interleaved || (dims[1] == h && dims[2] == w);
            if (!samePixels)
                throw new ArgumentOutOfRangeException(nameof(schema),
                    $"Input column '{name}' has dimensions {string.Join(" x ", dims)}; ImageShape is {image} (channels, height, " +
                    $"width): resize with ResizeImages(imageWidth: {w}, imageHeight: {h}) or change ImageShape.");
            // Same height and width in either order: only the number of planes differs, or c = 1 and the orders agree.
        }
        if (vector.Size != image.Size)
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"Input column '{name}' has type {DescribeWithDimensions(vector)} ({vector.Size} values); ImageShape {image} describes " +
                $"{image.Size} (channels x height x width).{PlanesHint(vector.Size, image)}");
        return column;
    }

    /// <summary>
    /// Checks that <paramref name="name"/> holds what <paramref name="network"/> reads: its image (<see cref="RequireImage"/>)
    /// for a convolutional network, a vector of Single of its input size otherwise.
    /// </summary>
    public static DataViewSchema.Column RequireNetworkInput(DataViewSchema schema, string name, NetworkDescription network) =>
        network.ImageShape is { } image ? RequireImage(schema, name, image) : RequireSingleVector(schema, name, network.InputSize);

    /// <summary>When the column holds a whole number of planes of the image's height and width, what ExtractPixels changes.</summary>
    private static string PlanesHint(int size, ImageShape image)
    {
        var plane = (long)image.Height * image.Width;
        if (size % plane != 0)
            return "";
        const string planes = " ExtractPixels writes one plane per extracted colour, three for its default colorsToExtract (Rgb): ";
        return image.Channels == 1
            ? planes + "extract one plane of a grayscale image with colorsToExtract: ColorBits.Red."
            : planes + $"extract {image.Channels} with colorsToExtract, or set ImageShape's channels to {size / plane}.";
    }

    /// <summary>A vector type with all its dimensions, e.g. "Vector&lt;Single, 3, 28, 28&gt;".</summary>
    private static string DescribeWithDimensions(VectorDataViewType vector) =>
        $"Vector<{vector.ItemType}, {string.Join(", ", vector.Dimensions)}>";

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
