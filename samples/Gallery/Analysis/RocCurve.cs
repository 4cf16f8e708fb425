namespace MLNetAutoencoders.Samples.Gallery.Analysis;

/// <summary>
/// The receiver operating characteristic of anomaly scores (higher = more anomalous): one point per distinct score,
/// from (0, 0) to (1, 1), and the area under it (tied scores count one half, as in ML.NET's evaluator).
/// </summary>
/// <param name="FalsePositiveRates">Fraction of normal rows flagged at each threshold, ascending.</param>
/// <param name="TruePositiveRates">Fraction of anomalies flagged at the same thresholds.</param>
/// <param name="Area">The area under the curve: the probability that a random anomaly scores above a random normal row.</param>
public sealed record RocCurve(double[] FalsePositiveRates, double[] TruePositiveRates, double Area)
{
    /// <summary>The curve of <paramref name="scores"/> against the truth <paramref name="isAnomaly"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ, a score is NaN, or one of the two classes is absent.</exception>
    public static RocCurve From(IReadOnlyList<float> scores, IReadOnlyList<bool> isAnomaly)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(isAnomaly.Count, scores.Count, nameof(isAnomaly));
        if (scores.Any(float.IsNaN))
            throw new ArgumentException("A score is NaN: the curve needs an order of all rows.", nameof(scores));
        var positives = isAnomaly.Count(a => a);
        var negatives = isAnomaly.Count - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException($"Both classes are needed: {positives} anomalies and {negatives} normal rows.", nameof(isAnomaly));

        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        double truePositives = 0, falsePositives = 0, area = 0;
        for (var start = 0; start < order.Length;)
        {
            // One step per group of tied scores: a threshold cannot split them.
            var end = start;
            while (end < order.Length && scores[order[end]] == scores[order[start]])
                end++;
            var groupPositives = 0;
            for (var k = start; k < end; k++)
                groupPositives += isAnomaly[order[k]] ? 1 : 0;
            var groupNegatives = end - start - groupPositives;
            area += groupNegatives * (truePositives + groupPositives / 2.0);
            truePositives += groupPositives;
            falsePositives += groupNegatives;
            fpr.Add(falsePositives / negatives);
            tpr.Add(truePositives / positives);
            start = end;
        }
        return new RocCurve(fpr.ToArray(), tpr.ToArray(), area / ((double)positives * negatives));
    }
}
