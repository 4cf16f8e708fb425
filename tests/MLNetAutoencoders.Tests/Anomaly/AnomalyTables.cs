using Microsoft.ML;
using MLNetAutoencoders.Tests.Infrastructure;

namespace MLNetAutoencoders.Tests.Anomaly;

/// <summary>
/// Small labelled tables for the detector's edge cases and its density term. Label 1 marks an anomaly
/// (<see cref="PlantedOutliers.Anomaly"/>), as <c>mlContext.AnomalyDetection.Evaluate</c> expects.
/// </summary>
public static class AnomalyTables
{
    /// <summary>
    /// <paramref name="normal"/> rows near a random linear subspace of <paramref name="features"/> dimensions (rank 1 up
    /// to 4 features, else 2; noise 0.1 in every feature), then <paramref name="anomalies"/> rows: a normal row moved
    /// 3.0 away from the subspace, in a random direction orthogonal to it.
    /// </summary>
    public static (float[][] Rows, float[] Labels) Subspace(int normal, int anomalies, int features, int seed)
    {
        var random = new Random(seed);
        var rank = features <= 4 ? 1 : 2;
        var basis = new List<double[]>();
        for (var r = 0; r < rank; r++)
            basis.Add(Normalized(Orthogonal(Enumerable.Range(0, features).Select(_ => Gaussian(random)).ToArray(), basis)));
        float[] Normal(double offset)
        {
            var z = Enumerable.Range(0, rank).Select(_ => Gaussian(random)).ToArray();
            var away = Normalized(Orthogonal(Enumerable.Range(0, features).Select(_ => Gaussian(random)).ToArray(), basis));
            return Enumerable.Range(0, features)
                .Select(j => (float)(Enumerable.Range(0, rank).Sum(r => z[r] * basis[r][j]) + 0.1 * Gaussian(random) + offset * away[j])).ToArray();
        }
        return Combine(Enumerable.Range(0, normal).Select(_ => Normal(0)), Enumerable.Range(0, anomalies).Select(_ => Normal(3.0)));
    }

    /// <summary><paramref name="v"/> minus its projection on the orthonormal vectors <paramref name="basis"/>.</summary>
    private static double[] Orthogonal(double[] v, IEnumerable<double[]> basis)
    {
        var result = (double[])v.Clone();
        foreach (var b in basis)
        {
            var dot = result.Zip(b).Sum(p => p.First * p.Second);
            for (var j = 0; j < result.Length; j++)
                result[j] -= dot * b[j];
        }
        return result;
    }

    /// <summary>The unit direction of the line in <see cref="GappedLine"/>.</summary>
    private static readonly double[] LineDirection = Normalized([1, -0.5, 0.8, 0.3]);

    /// <summary>
    /// A one-dimensional manifold in 4 features with a hole: normal rows at t·u (u a fixed unit vector) with t uniform on
    /// [-2, -1] ∪ [1, 2] plus noise 0.2 in every feature; anomalies either ON the line in the empty stretch between the
    /// two segments (t uniform on [-0.4, 0.4], same noise: they reconstruct about as well as normal rows) or, with
    /// <paramref name="offManifold"/>, on the segments but pushed 1.0 off the line in a random direction.
    /// </summary>
    public static (float[][] Rows, float[] Labels) GappedLine(int normal, int anomalies, int seed, bool offManifold = false)
    {
        var random = new Random(seed);
        float[] Point(double t, double offset)
        {
            var noise = Enumerable.Range(0, 4).Select(_ => Gaussian(random)).ToArray();
            var along = noise.Zip(LineDirection).Sum(p => p.First * p.Second);
            var across = Normalized(noise.Select((v, j) => v - along * LineDirection[j]).ToArray());
            return Enumerable.Range(0, 4).Select(j => (float)(t * LineDirection[j] + 0.2 * noise[j] + offset * across[j])).ToArray();
        }
        double Segment() => (random.Next(2) == 0 ? -1 : 1) * (1 + random.NextDouble());
        var normals = Enumerable.Range(0, normal).Select(_ => Point(Segment(), 0)).ToArray();
        var odd = Enumerable.Range(0, anomalies).Select(_ => offManifold ? Point(Segment(), 1.0) : Point(0.8 * random.NextDouble() - 0.4, 0)).ToArray();
        return Combine(normals, odd);
    }

    /// <summary>A data view of <paramref name="table"/> (column "Features" and a Single "Label").</summary>
    public static IDataView View(this MLContext ml, (float[][] Rows, float[] Labels) table) => ml.ToDataView(table.Rows, table.Labels);

    /// <summary>ROC-AUC of <paramref name="scores"/> against <paramref name="labels"/> (1 = anomaly), ties counted half.</summary>
    public static double RocAuc(float[] scores, float[] labels)
    {
        var positives = scores.Where((_, i) => labels[i] == PlantedOutliers.Anomaly).ToArray();
        var negatives = scores.Where((_, i) => labels[i] != PlantedOutliers.Anomaly).ToArray();
        var wins = positives.Sum(p => negatives.Sum(n => p > n ? 1.0 : p == n ? 0.5 : 0.0));
        return wins / ((double)positives.Length * negatives.Length);
    }

    private static (float[][] Rows, float[] Labels) Combine(IEnumerable<float[]> normals, IEnumerable<float[]> anomalies)
    {
        var n = normals.ToArray();
        var a = anomalies.ToArray();
        return (n.Concat(a).ToArray(), Enumerable.Repeat(PlantedOutliers.Normal, n.Length).Concat(Enumerable.Repeat(PlantedOutliers.Anomaly, a.Length)).ToArray());
    }

    private static double[] Normalized(double[] v)
    {
        var norm = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
