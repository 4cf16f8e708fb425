namespace MLNetAutoencoders.Anomaly;

/// <summary>What the detector learns from its training rows besides the network: the standardization and the threshold.</summary>
internal static class TrainingStatistics
{
    /// <summary>
    /// Mean and population standard deviation of each feature of the training rows (their exact streaming moments,
    /// the same on both training paths). A feature whose deviation is negligible next to its magnitude counts as
    /// constant and gets scale 1.
    /// </summary>
    public static FeatureStandardization FitStandardization(Training.FeatureMoments moments)
    {
        var (means, variances) = moments.Result();
        var scales = new float[means.Length];
        for (var j = 0; j < means.Length; j++)
        {
            var deviation = Math.Sqrt(variances[j]);
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
