using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Scoring;
using Xunit;

namespace MLNetAutoencoders.Tests.Embedding;

/// <summary>
/// The single-row path (PredictionEngine) scores every active column for a row's first prediction, then only the
/// columns whose getters were called, and scores a row again when a getter asks for a column it did not compute.
/// </summary>
public class ScoringRowMapperTests
{
    private sealed class FeaturesRow
    {
        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }

    /// <summary>Output i of a row is its first feature + 10 i; records the columns each call computed.</summary>
    private sealed class RecordingScorer : IBatchScorer
    {
        public List<bool[]> Calls { get; } = new();

        public int InputSize => 2;

        public IReadOnlyList<ScoredColumn> Outputs { get; } = [new("Embedding", 0), new("Reconstruction", 0), new("ReconstructionError", 0)];

        public InputBatch CreateInputBatch(int capacity) => new ArrayInputBatch(capacity, InputSize);

        public void Score(InputBatch input, int rows, long firstPosition, IReadOnlyList<bool> active, float[][] outputs)
        {
            Calls.Add(active.ToArray());
            for (var i = 0; i < outputs.Length; i++)
                if (active[i])
                    outputs[i][0] = input.Values[0] + 10 * i;
        }
    }

    [Fact]
    public void AfterTheFirstRowOnlyTheColumnsWhoseGettersWereCalledAreScoredAndANewlyAskedColumnRescoresTheRow()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(1, 4).Select(i => new FeaturesRow { Features = [i, 0] }));
        var scorer = new RecordingScorer();
        var mapper = new ScoringRowMapper(data.Schema, "Features", scorer);
        using var cursor = data.GetRowCursor(data.Schema);
        var row = mapper.GetRow(cursor, mapper.OutputSchema);
        var embedding = row.GetGetter<float>(mapper.OutputSchema["Embedding"]);
        var error = row.GetGetter<float>(mapper.OutputSchema["ReconstructionError"]);
        var values = new List<float>();
        var value = 0f;

        for (var i = 0; i < 3; i++)
        {
            Assert.True(cursor.MoveNext());
            embedding(ref value);
            values.Add(value);
            embedding(ref value);
        }
        Assert.True(cursor.MoveNext());
        embedding(ref value);
        values.Add(value);
        error(ref value);
        values.Add(value);
        error(ref value);

        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 24f }, values);
        Assert.Equal(new[]
        {
            new[] { true, true, true },
            new[] { true, false, false },
            new[] { true, false, false },
            new[] { true, false, false },
            new[] { true, false, true },
        }, scorer.Calls);
    }
}
