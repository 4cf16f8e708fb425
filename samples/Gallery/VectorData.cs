using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Samples.Gallery;

/// <summary>Rows of equal-length float vectors as an IDataView of one known-size vector column.</summary>
internal static class VectorData
{
    public static IDataView ToDataView(MLContext mlContext, string columnName, float[][] rows)
    {
        if (rows.Length == 0)
            throw new ArgumentException("At least one row is needed to know the vector size.", nameof(rows));
        var definition = SchemaDefinition.Create(typeof(Row));
        var column = definition[nameof(Row.Values)];
        column.ColumnType = new VectorDataViewType(NumberDataViewType.Single, rows[0].Length);
        column.ColumnName = columnName;
        return mlContext.Data.LoadFromEnumerable(rows.Select(r => new Row { Values = r }).ToList(), definition);
    }

    private sealed class Row
    {
        public float[] Values { get; set; } = [];
    }
}
