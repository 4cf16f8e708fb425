namespace MLNetAutoencoders.Samples.Gallery.Analysis;

/// <summary>Brute-force k-nearest-neighbour classification in Euclidean distance.</summary>
public static class NearestNeighbors
{
    /// <summary>
    /// The fraction of <paramref name="queries"/> whose majority label among their <paramref name="k"/> nearest
    /// <paramref name="reference"/> points is their own. A tie goes to the label that reaches the top count first, walking out from the nearest neighbour.
    /// </summary>
    public static double Accuracy(float[][] reference, int[] referenceLabels, float[][] queries, int[] queryLabels, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(referenceLabels.Length, reference.Length, nameof(referenceLabels));
        ArgumentOutOfRangeException.ThrowIfNotEqual(queryLabels.Length, queries.Length, nameof(queryLabels));
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, reference.Length);
        if (queries.Length == 0)
            return double.NaN;

        var classCount = referenceLabels.Max() + 1;
        var correct = 0;
        var nearestDistance = new float[k];
        var nearestLabel = new int[k];
        var votes = new int[classCount];
        for (var q = 0; q < queries.Length; q++)
        {
            Array.Fill(nearestDistance, float.PositiveInfinity);
            for (var r = 0; r < reference.Length; r++)
                Insert(SquaredDistance(queries[q], reference[r]), referenceLabels[r], nearestDistance, nearestLabel);

            Array.Clear(votes);
            var winner = nearestLabel[0];
            foreach (var label in nearestLabel)
            {
                votes[label]++;
                if (votes[label] > votes[winner])
                    winner = label;
            }
            if (winner == queryLabels[q])
                correct++;
        }
        return (double)correct / queries.Length;
    }

    private static float SquaredDistance(float[] a, float[] b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    // Keeps the k smallest distances sorted ascending (insertion into a short array).
    private static void Insert(float distance, int label, float[] distances, int[] labels)
    {
        var i = distances.Length - 1;
        if (distance >= distances[i])
            return;
        for (; i > 0 && distances[i - 1] > distance; i--)
        {
            distances[i] = distances[i - 1];
            labels[i] = labels[i - 1];
        }
        distances[i] = distance;
        labels[i] = label;
    }
}
