using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Tests.Anomaly;

/// <summary>Reads a detector's output columns.</summary>
public static class DetectorOutputs
{
    /// <summary>The PredictedLabel column.</summary>
    public static bool[] PredictedLabels(this IDataView scored) => scored.GetColumn<bool>(scored.Schema["PredictedLabel"]).ToArray();

    /// <summary>The scores of the PredictionEngine path: <paramref name="model"/>'s row mapper, one row at a time.</summary>
    public static float[] RowByRowScores(this ITransformer model, IDataView input)
    {
        var mapper = model.GetRowToRowMapper(input.Schema);
        var score = mapper.OutputSchema["Score"];
        var result = new List<float>();
        using var cursor = input.GetRowCursor(mapper.GetDependencies([score]));
        using var row = mapper.GetRow(cursor, [score]);
        var getter = row.GetGetter<float>(score);
        var value = 0f;
        while (cursor.MoveNext())
        {
            getter(ref value);
            result.Add(value);
        }
        return result.ToArray();
    }
}
