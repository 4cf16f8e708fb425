namespace MLNetAutoencoders.Anomaly;

/// <summary>What the detector learns from its training rows besides the network: the standardization and the threshold.</summary>
internal static class TrainingStatistics
{
    /// <summary>
    /// Mean and population standard deviation of each feature of the training rows. A feature
    /// whose deviation is negligible next to its magnitude counts as constant and gets scale 1.
    /// </summary>
    public static FeatureStandardization FitStandardization(Training.TrainingData data)
    {
        var rows = data.Rows;
        var features = data.Features;
        var means = new double[features];
        data.ForEachChunk((values, _) =>
        {
            for (var start = 0; start < values.Length; start += features)
                for (var j = 0; j < features; j++)
                    means[j] += values[start + j];
        });
        for (var j = 0; j < features; j++)
            means[j] /= rows;
        var squares = new double[features];
        data.ForEachChunk((values, _) =>
        {
            for (var start = 0; start < values.Length; start += features)
                for (var j = 0; j < features; j++)
                {
                    var d = values[start + j] - means[j];
                    squares[j] += d * d;
                }
        });
        var scales = new float[features];
        for (var j = 0; j < features; j++)
        {
            var deviation = Math.Sqrt(squares[j] / rows);
            scales[j] = deviation > 1e-6 * Math.Max(1, Math.Abs(means[j])) ? (float)deviation : 1f;
        }
        return new FeatureStandardization(means.Select(m => (float)m).ToArray(), scales);
    }

    /// <summary>The <paramref name="q"/> quantile of <paramref name="scores"/>, interpolating linearly between order statistics (numpy's default, used by PyOD).</summary>
    public static float Quantile(IEnumerable<float> scores, double q)
    {
        var sorted = scores.Order().ToArray();
        if (sorted.Length == 0)
            throw new ArgumentException("No scores to take a quantile of.", nameof(scores));
        var position = (sorted.Length - 1) * q;
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return (float)(sorted[below] + (position - below) * ((double)sorted[above] - sorted[below]));
    }
}
