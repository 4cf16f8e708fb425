using System.Numerics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetAutoencoders.QuickStart;

/// <summary>
/// Reconstruction from ML.NET's PCA projection. <c>ProjectToPrincipalComponents</c> outputs only the k projections
/// and <c>PrincipalComponentAnalysisTransformer</c> exposes neither its eigenvectors nor its mean, so this fits
/// the best linear map back to input space on the training set: x̂ = W [p; 1], W solving the normal equations
/// (AᵀA) W = AᵀX with A = [P, 1] (n × (k+1)) and X the inputs (n × d), in double precision.
/// </summary>
/// <remarks>
/// For a centred PCA with orthonormal eigenvectors U, p = Uᵀ(x − μ); the least-squares decoder is then exactly
/// x̂ = U p + μ, the classic PCA reconstruction (the projections' columns are uncorrelated, so the normal
/// equations decouple). ML.NET's randomized PCA only approximates U, in which case this decoder is the best
/// linear reconstruction from the projection it did compute: never worse than using its eigenvectors directly.
/// </remarks>
internal sealed class PcaReconstruction
{
    private readonly double[] weights; // (k + 1) × d, row-major: row i multiplies p_i, the last row is the intercept.
    private readonly int k;
    private readonly int d;

    private PcaReconstruction(double[] weights, int k, int d)
    {
        this.weights = weights;
        this.k = k;
        this.d = d;
    }

    /// <summary>Fits the decoder from the projection column to the input column over every row of <paramref name="projected"/>.</summary>
    public static PcaReconstruction Fit(IDataView projected, string projectionColumn, string inputColumn)
    {
        var k = Size(projected, projectionColumn);
        var d = Size(projected, inputColumn);
        var m = k + 1;
        var gram = new double[m * m]; // AᵀA
        var cross = new double[m * d]; // AᵀX
        var a = new double[m];
        var x = new double[d];
        foreach (var _ in Rows(projected, projectionColumn, inputColumn, a, x))
        {
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j <= i; j++)
                    gram[i * m + j] += a[i] * a[j];
                AddScaled(cross.AsSpan(i * d, d), a[i], x);
            }
        }
        for (var i = 0; i < m; i++)
            for (var j = i + 1; j < m; j++)
                gram[i * m + j] = gram[j * m + i];
        CholeskySolve(gram, m, cross, d);
        return new PcaReconstruction(cross, k, d);
    }

    /// <summary>Mean over rows and features of the squared reconstruction error.</summary>
    public double MeanSquaredError(IDataView projected, string projectionColumn, string inputColumn)
    {
        var a = new double[k + 1];
        var x = new double[d];
        var reconstruction = new double[d];
        double sum = 0;
        long rows = 0;
        foreach (var _ in Rows(projected, projectionColumn, inputColumn, a, x))
        {
            Array.Clear(reconstruction);
            for (var i = 0; i <= k; i++)
                AddScaled(reconstruction, a[i], weights.AsSpan(i * d, d));
            for (var j = 0; j < d; j++)
            {
                var e = reconstruction[j] - x[j];
                sum += e * e;
            }
            rows++;
        }
        return sum / (rows * (double)d);
    }

    private static int Size(IDataView data, string column) =>
        data.Schema[column].Type is VectorDataViewType { Size: > 0 } vector
            ? vector.Size
            : throw new ArgumentException($"Column '{column}' is not a known-size vector.", nameof(column));

    /// <summary>Streams the rows, filling <paramref name="a"/> with [p; 1] and <paramref name="x"/> with the inputs.</summary>
    private static IEnumerable<long> Rows(IDataView data, string projectionColumn, string inputColumn, double[] a, double[] x)
    {
        var pColumn = data.Schema[projectionColumn];
        var xColumn = data.Schema[inputColumn];
        using var cursor = data.GetRowCursor(new[] { pColumn, xColumn });
        var pGetter = cursor.GetGetter<VBuffer<float>>(pColumn);
        var xGetter = cursor.GetGetter<VBuffer<float>>(xColumn);
        VBuffer<float> pBuffer = default, xBuffer = default;
        long row = 0;
        while (cursor.MoveNext())
        {
            pGetter(ref pBuffer);
            xGetter(ref xBuffer);
            var i = 0;
            foreach (var value in pBuffer.DenseValues())
                a[i++] = value;
            a[^1] = 1;
            i = 0;
            foreach (var value in xBuffer.DenseValues())
                x[i++] = value;
            yield return row++;
        }
    }

    private static void AddScaled(Span<double> destination, double scale, ReadOnlySpan<double> source)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var s = new Vector<double>(scale);
            for (; i <= source.Length - Vector<double>.Count; i += Vector<double>.Count)
                (new Vector<double>(destination[i..]) + s * new Vector<double>(source[i..])).CopyTo(destination[i..]);
        }
        for (; i < source.Length; i++)
            destination[i] += scale * source[i];
    }

    /// <summary>Solves G W = B in place (B becomes W) for symmetric positive definite G (m × m), B m × columns.</summary>
    private static void CholeskySolve(double[] g, int m, double[] b, int columns)
    {
        // A tiny ridge keeps the factorisation defined if a projection column is (numerically) constant.
        var ridge = 1e-12 * Enumerable.Range(0, m).Average(i => g[i * m + i]);
        var l = new double[m * m];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = g[i * m + j] + (i == j ? ridge : 0);
                for (var t = 0; t < j; t++)
                    sum -= l[i * m + t] * l[j * m + t];
                l[i * m + j] = i == j ? Math.Sqrt(sum) : sum / l[j * m + j];
            }
        }
        for (var c = 0; c < columns; c++)
        {
            // Forward (L y = b) then backward (Lᵀ w = y) substitution on column c.
            for (var i = 0; i < m; i++)
            {
                var sum = b[i * columns + c];
                for (var t = 0; t < i; t++)
                    sum -= l[i * m + t] * b[t * columns + c];
                b[i * columns + c] = sum / l[i * m + i];
            }
            for (var i = m - 1; i >= 0; i--)
            {
                var sum = b[i * columns + c];
                for (var t = i + 1; t < m; t++)
                    sum -= l[t * m + i] * b[t * columns + c];
                b[i * columns + c] = sum / l[i * m + i];
            }
        }
    }
}
