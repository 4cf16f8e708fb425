namespace MLNetAutoencoders.Benchmarks;

/// <summary>ROC-AUC and average precision of one detector's scores on one labelled test set.</summary>
/// <param name="RocAuc">Area under the ROC curve (ties count one half).</param>
/// <param name="AveragePrecision">Σ (Rₙ − Rₙ₋₁) Pₙ over the distinct score thresholds, highest first (scikit-learn's definition).</param>
internal readonly record struct DetectionQuality(double RocAuc, double AveragePrecision);

/// <summary>
/// The one function every detector's scores go through, ours and scikit-learn's alike, so that all are scored
/// identically: higher score = more anomalous, anomalies are the positive class.
/// </summary>
internal static class DetectionMetrics
{
    /// <summary>ROC-AUC and average precision of <paramref name="scores"/> against <paramref name="isAnomaly"/>.</summary>
    /// <exception cref="ArgumentException">Lengths differ, a score is not finite, or one class is absent.</exception>
    public static DetectionQuality Evaluate(IReadOnlyList<double> scores, IReadOnlyList<bool> isAnomaly)
    {
        if (scores.Count != isAnomaly.Count)
            throw new ArgumentException($"{scores.Count} scores for {isAnomaly.Count} labels.", nameof(scores));
        if (scores.Any(s => !double.IsFinite(s)))
            throw new ArgumentException("A score is not finite.", nameof(scores));
        var positives = isAnomaly.Count(a => a);
        var negatives = isAnomaly.Count - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException("The test set needs both normal rows and anomalies.", nameof(isAnomaly));

        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        double truePositives = 0, falsePositives = 0, area = 0, averagePrecision = 0;
        for (var start = 0; start < order.Length;)
        {
            // One threshold per distinct score: tied rows enter the curves together.
            var previousTruePositives = truePositives;
            var previousFalsePositives = falsePositives;
            var end = start;
            for (; end < order.Length && scores[order[end]] == scores[order[start]]; end++)
            {
                if (isAnomaly[order[end]])
                    truePositives++;
                else
                    falsePositives++;
            }
            area += (falsePositives - previousFalsePositives) * (truePositives + previousTruePositives) / 2;
            averagePrecision += (truePositives - previousTruePositives) / positives * (truePositives / (truePositives + falsePositives));
            start = end;
        }
        return new DetectionQuality(area / ((double)positives * negatives), averagePrecision);
    }
}
