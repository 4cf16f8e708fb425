using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.Tests.Infrastructure;

/// <summary>Small deterministic data sets for fast tests.</summary>
public static class SyntheticData
{
    /// <summary>A row of the vector column "Features" (and an optional label).</summary>
    public sealed class Row
    {
        /// <summary>The features.</summary>
        public float[] Features { get; set; } = [];

        /// <summary>A label (the manifold's first coordinate, or a class).</summary>
        public float Label { get; set; }
    }

    /// <summary>
    /// Points on a 2-D non-linear manifold in <paramref name="features"/> dimensions:
    /// f_j = sin(a_j t1 + b_j t2 + c_j) with t ~ U(-1, 1)^2 and fixed random a, b, c.
    /// </summary>
    public static float[][] Manifold(int rows, int features = 16, int seed = 0) =>
        ManifoldWithTangents(rows, features, seed).Points;

    /// <summary>
    /// The points of <see cref="Manifold"/> (same arguments, same values) with the manifold's two tangent vectors
    /// at each point, d f / d t1 and d f / d t2 (not normalised).
    /// </summary>
    public static ManifoldSample ManifoldWithTangents(int rows, int features = 16, int seed = 0)
    {
        var shape = new Random(12345);
        var a = Enumerable.Range(0, features).Select(_ => shape.NextSingle() * 4 - 2).ToArray();
        var b = Enumerable.Range(0, features).Select(_ => shape.NextSingle() * 4 - 2).ToArray();
        var c = Enumerable.Range(0, features).Select(_ => shape.NextSingle() * 3).ToArray();
        var random = new Random(seed);
        var points = new float[rows][];
        var tangents = new float[rows][][];
        for (var i = 0; i < rows; i++)
        {
            var t1 = random.NextSingle() * 2 - 1;
            var t2 = random.NextSingle() * 2 - 1;
            points[i] = Enumerable.Range(0, features).Select(j => MathF.Sin(a[j] * t1 + b[j] * t2 + c[j])).ToArray();
            var slope = Enumerable.Range(0, features).Select(j => MathF.Cos(a[j] * t1 + b[j] * t2 + c[j])).ToArray();
            tangents[i] = [slope.Select((s, j) => a[j] * s).ToArray(), slope.Select((s, j) => b[j] * s).ToArray()];
        }
        return new ManifoldSample(points, tangents);
    }

    /// <summary>Points of <see cref="ManifoldWithTangents"/>; <c>Tangents[i]</c> holds the two tangent vectors at <c>Points[i]</c>.</summary>
    public sealed record ManifoldSample(float[][] Points, float[][][] Tangents);

    /// <summary>
    /// 1 x <paramref name="size"/> x <paramref name="size"/> images (row-major, one channel, pixels in [0, 1]) of a
    /// Gaussian blob I(x, y) = exp(-((x - c_x)² + (y - c_y)²) / (2σ²)), σ = 1.2, its centre uniform in
    /// [2, size - 3]²: a 2-D manifold whose tangents are known, ∂I/∂c_x = I (x - c_x) / σ² and ∂I/∂c_y likewise.
    /// </summary>
    public static ManifoldSample BlobImages(int rows, int size = 8, int seed = 0)
    {
        const float sigma = 1.2f;
        var random = new Random(seed);
        var points = new float[rows][];
        var tangents = new float[rows][][];
        for (var i = 0; i < rows; i++)
        {
            var cx = 2 + random.NextSingle() * (size - 5);
            var cy = 2 + random.NextSingle() * (size - 5);
            var image = new float[size * size];
            var alongX = new float[size * size];
            var alongY = new float[size * size];
            for (var y = 0; y < size; y++)
                for (var x = 0; x < size; x++)
                {
                    var value = MathF.Exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * sigma * sigma));
                    image[y * size + x] = value;
                    alongX[y * size + x] = value * (x - cx) / (sigma * sigma);
                    alongY[y * size + x] = value * (y - cy) / (sigma * sigma);
                }
            points[i] = image;
            tangents[i] = [alongX, alongY];
        }
        return new ManifoldSample(points, tangents);
    }

    /// <summary>An IDataView with a known-size "Features" vector column and a "Label" column.</summary>
    public static IDataView ToDataView(this MLContext ml, float[][] rows, float[]? labels = null)
    {
        var size = rows.Length > 0 ? rows[0].Length : 1;
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        var data = rows.Select((r, i) => new Row { Features = r, Label = labels?[i] ?? 0 }).ToList();
        return ml.Data.LoadFromEnumerable(data, definition);
    }

    /// <summary>Reads a vector column densely.</summary>
    public static float[][] VectorColumn(this IDataView view, string name)
    {
        var column = view.Schema.GetColumnOrNull(name)
            ?? throw new Xunit.Sdk.XunitException($"Column '{name}' missing; columns: {string.Join(", ", view.Schema.Select(c => c.Name))}");
        return view.GetColumn<VBuffer<float>>(column).Select(v => v.DenseValues().ToArray()).ToArray();
    }

    /// <summary>Reads a Single column.</summary>
    public static float[] ScalarColumn(this IDataView view, string name) => view.GetColumn<float>(view.Schema[name]).ToArray();

    /// <summary>Mean over rows of the mean squared difference.</summary>
    public static double MeanSquaredError(float[][] a, float[][] b) =>
        a.Zip(b).Average(p => p.First.Zip(p.Second).Average(q => (double)(q.First - q.Second) * (q.First - q.Second)));
}
