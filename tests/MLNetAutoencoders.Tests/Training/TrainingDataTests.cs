using Microsoft.ML;
using MLNetAutoencoders.Native;
using MLNetAutoencoders.Tests.Infrastructure;
using MLNetAutoencoders.Training;
using Xunit;

namespace MLNetAutoencoders.Tests.Training;

/// <summary>Training rows are read straight into one native tensor, in order, whatever the view knows of its size.</summary>
public class TrainingDataTests
{
    private static float[] Flatten(IEnumerable<float[]> rows) => rows.SelectMany(r => r).ToArray();

    private static float[] Read(TrainingData data)
    {
        var values = new float[data.Rows * data.Features];
        TensorData.Read(data.Tensor, values);
        return values;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RowsOverManyStagingChunksLandInTheTensorInOrder(bool rowCountKnown)
    {
        TorchRuntime.EnsureLoaded();
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Manifold(3000, features: 784);
        var view = ml.ToDataView(rows);
        // Filtering on the label (all rows pass) hides the row count: the tensor then grows by doubling.
        var input = rowCountKnown ? ml.Data.Cache(view) : ml.Data.FilterRowsByColumn(view, "Label", lowerBound: -1, upperBound: 1);
        Assert.Equal(rowCountKnown, input.GetRowCount() is not null);
        var liveBefore = LiveTensors.OnThisThread;

        using (var data = TrainingData.Load(input, "Features", 784, skipNonFinite: false, () => { }))
        {
            Assert.Equal(3000, data.Rows);
            Assert.Equal(new long[] { 3000, 784 }, data.Tensor.shape);
            Assert.Equal(Flatten(rows), Read(data));
            var chunks = new List<int>();
            data.ForEachChunk((values, count) =>
            {
                Assert.Equal(count * 784, values.Length);
                chunks.Add(count);
            });
            Assert.True(chunks.Count > 1, "3000 rows of 784 values span several chunks");
            Assert.Equal(3000, chunks.Sum());
        }

        Assert.Equal(liveBefore, LiveTensors.OnThisThread);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(2000)]
    public void SkippedRowsLeaveNoGapsWhetherFewOrMany(int badRows)
    {
        TorchRuntime.EnsureLoaded();
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Manifold(2500, features: 784);
        var bad = Enumerable.Range(0, badRows).Select(i => i * 2500 / badRows).ToHashSet();
        foreach (var i in bad)
            rows[i][i % 784] = float.NaN;
        var liveBefore = LiveTensors.OnThisThread;

        using (var data = TrainingData.Load(ml.Data.Cache(ml.ToDataView(rows)), "Features", 784, skipNonFinite: true, () => { }))
        {
            Assert.Equal(badRows, data.SkippedRows);
            Assert.Equal(2500 - badRows, data.Rows);
            Assert.Equal(Flatten(rows.Where((_, i) => !bad.Contains(i))), Read(data));
        }

        Assert.Equal(liveBefore, LiveTensors.OnThisThread);
    }
}
