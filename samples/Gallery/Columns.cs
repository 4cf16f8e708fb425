using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Samples.Gallery;

/// <summary>Reads IDataView columns into arrays, one pass each.</summary>
internal static class Columns
{
    public static float[][] ReadVectors(IDataView data, string name)
    {
        var column = data.Schema[name];
        var rows = new List<float[]>();
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var buffer = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            var row = new float[buffer.Length];
            buffer.CopyTo(row);
            rows.Add(row);
        }
        return rows.ToArray();
    }

    /// <summary>Several vector columns read in one pass (one network call per batch, not one per column).</summary>
    public static float[][][] ReadVectors(IDataView data, params string[] names)
    {
        var columns = names.Select(n => data.Schema[n]).ToArray();
        var rows = columns.Select(_ => new List<float[]>()).ToArray();
        using var cursor = data.GetRowCursor(columns);
        var getters = columns.Select(c => cursor.GetGetter<VBuffer<float>>(c)).ToArray();
        var buffer = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            for (var c = 0; c < columns.Length; c++)
            {
                getters[c](ref buffer);
                var row = new float[buffer.Length];
                buffer.CopyTo(row);
                rows[c].Add(row);
            }
        }
        return rows.Select(r => r.ToArray()).ToArray();
    }

    /// <summary>A scalar column (Single, Boolean, ...), one pass.</summary>
    public static T[] ReadScalars<T>(IDataView data, string name)
    {
        var column = data.Schema[name];
        var values = new List<T>();
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<T>(column);
        T value = default!;
        while (cursor.MoveNext())
        {
            getter(ref value);
            values.Add(value);
        }
        return values.ToArray();
    }
}
