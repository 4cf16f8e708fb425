using Microsoft.ML.Data;
using MLNetAutoencoders.Benchmarks;
using MLNetAutoencoders.SampleData;
using Xunit;

namespace MLNetAutoencoders.Tests.Benchmarks;

/// <summary>
/// The streaming benchmark's lazily generated rows (benchmarks/.../Streaming/ShiftedFashionMnistView.cs): row i is
/// source image i mod count, shifted and noisy, the same whenever and in whatever order it is generated.
/// </summary>
public class ShiftedFashionMnistViewTests
{
    private const int Features = ShiftedFashionMnistView.Features;
    private static readonly float[] Images = FashionMnist.LoadEmbedded(FashionMnistSplitName.Train, maxRows: 50).Pixels;

    private static float[] Row(ShiftedFashionMnistView view, long row)
    {
        var values = new float[Features];
        view.Generate(row, values);
        return values;
    }

    private static float[] ShiftedSource(ShiftedFashionMnistView view, long row)
    {
        var (dx, dy) = view.Shift(row);
        var source = Images.AsSpan(view.SourceImage(row) * Features, Features);
        var shifted = new float[Features];
        for (var y = 0; y < 28; y++)
            for (var x = 0; x < 28; x++)
                shifted[y * 28 + x] = (uint)(y - dy) < 28 && (uint)(x - dx) < 28 ? source[(y - dy) * 28 + x - dx] : 0f;
        return shifted;
    }

    private static List<(long Id, float[] Values)> ReadAll(ShiftedFashionMnistView view)
    {
        var column = view.Schema[ShiftedFashionMnistView.ColumnName];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var ids = cursor.GetIdGetter();
        var rows = new List<(long, float[])>();
        VBuffer<float> buffer = default;
        DataViewRowId id = default;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            ids(ref id);
            rows.Add(((long)id.Low, buffer.DenseValues().ToArray()));
        }
        return rows;
    }

    private static double Correlation(float[] a, float[] b)
    {
        double ma = a.Average(), mb = b.Average(), ab = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.Sqrt(aa * bb);
    }

    [Fact]
    public void ARowIsTheSameWhenGeneratedAgainInAnyOrderAndThroughACursor()
    {
        var view = new ShiftedFashionMnistView(Images, 300, seed: 7);
        var first = Row(view, 123);
        _ = Row(view, 299);
        _ = Row(view, 0);

        Assert.Equal(first, Row(view, 123));
        Assert.Equal(first, ReadAll(view)[123].Values);
        Assert.NotEqual(first, Row(new ShiftedFashionMnistView(Images, 300, seed: 8), 123));
    }

    [Fact]
    public void TheViewHasOneVectorColumnOf784SinglesItsRowCountAndRowsWithDistinctIdsInOrder()
    {
        var view = new ShiftedFashionMnistView(Images, 1_000);
        var rows = ReadAll(view);

        var column = Assert.Single(view.Schema);
        Assert.Equal(ShiftedFashionMnistView.ColumnName, column.Name);
        var type = Assert.IsType<VectorDataViewType>(column.Type);
        Assert.Equal(NumberDataViewType.Single, type.ItemType);
        Assert.Equal(Features, type.Size);
        Assert.Equal(1_000L, view.GetRowCount());
        Assert.False(view.CanShuffle);
        Assert.Equal(1_000, rows.Count);
        Assert.All(rows, r => Assert.Equal(Features, r.Values.Length));
        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => (long)i), rows.Select(r => r.Id));
    }

    [Fact]
    public void ValuesStayInTheUnitIntervalTheNoiseClampedAtBothEnds()
    {
        var values = ReadAll(new ShiftedFashionMnistView(Images, 200)).SelectMany(r => r.Values).ToArray();

        Assert.All(values, v => Assert.InRange(v, 0f, 1f));
        Assert.Contains(0f, values);
        Assert.Contains(1f, values);
    }

    [Fact]
    public void WithoutShiftAndNoiseARowIsItsSourceImageAndRowsCycleThroughTheSources()
    {
        var view = new ShiftedFashionMnistView(Images, 120, maxShift: 0, noiseLevel: 0f);

        Assert.Equal(50, view.SourceCount);
        Assert.Equal(Images.AsSpan(7 * Features, Features).ToArray(), Row(view, 107));
    }

    [Fact]
    public void ARowIsItsSourceShiftedByUpToTwoPixelsEachWayPlusNoiseOfTheStatedSpread()
    {
        var view = new ShiftedFashionMnistView(Images, 2_000);
        var shifts = Enumerable.Range(0, 2_000).Select(i => view.Shift(i)).ToArray();
        var residuals = new List<double>();
        for (var row = 0; row < 200; row++)
        {
            var values = Row(view, row);
            var shifted = ShiftedSource(view, row);
            for (var p = 0; p < Features; p++)
                if (shifted[p] is > 0.3f and < 0.7f)
                    residuals.Add(values[p] - shifted[p]);
        }
        var mean = residuals.Average();
        var sd = Math.Sqrt(residuals.Average(r => (r - mean) * (r - mean)));

        Assert.Equal(25, shifts.Distinct().Count());
        Assert.All(shifts, s => Assert.True(Math.Abs(s.Dx) <= 2 && Math.Abs(s.Dy) <= 2, $"shift {s}"));
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(sd, 0.09, 0.11);
    }

    [Fact]
    public void ARowDiffersFromItsSourceImageButCorrelatesWithItMoreThanWithOtherImages()
    {
        var view = new ShiftedFashionMnistView(Images, 100);
        double own = 0, other = 0, largestDifference = double.PositiveInfinity;
        for (var row = 0; row < 100; row++)
        {
            var values = Row(view, row);
            var source = Images.AsSpan(view.SourceImage(row) * Features, Features).ToArray();
            var next = Images.AsSpan(view.SourceImage(row + 1) * Features, Features).ToArray();
            own += Correlation(values, source) / 100;
            other += Correlation(values, next) / 100;
            largestDifference = Math.Min(largestDifference, values.Zip(source, (a, b) => Math.Abs(a - b)).Max());
        }

        Assert.True(largestDifference > 0.2, $"every row differs from its source by at least {largestDifference:F3} somewhere");
        Assert.True(own > 0.6, $"mean correlation with the source image {own:F3}");
        Assert.True(own > other + 0.2, $"with the source {own:F3}, with the next image {other:F3}");
    }
}
