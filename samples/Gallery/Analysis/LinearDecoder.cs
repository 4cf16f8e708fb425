namespace MLNetAutoencoders.Samples.Gallery.Analysis;

/// <summary>
/// The weights of an affine decoder r = W c + b (no hidden layer, identity output activation), recovered from the
/// transformer's public output columns: every scored row gives a code c (Embedding) and its reconstruction r
/// (Reconstruction), so W and b solve a least-squares problem with zero residual once the rows span the codes.
/// </summary>
public sealed class LinearDecoder
{
    // A pivot this much smaller than its diagonal entry means the unit's activity is a combination of earlier units'.
    private const double DependencyTolerance = 1e-10;

    private LinearDecoder(float[][] filters, float[] bias, int[] activeRows, int unidentifiedUnits, double maxResidual)
    {
        Filters = filters;
        Bias = bias;
        ActiveRows = activeRows;
        UnidentifiedUnits = unidentifiedUnits;
        MaxResidual = maxResidual;
    }

    /// <summary>Column j of W for each code unit j: what one unit of its activation adds to the reconstruction.</summary>
    public float[][] Filters { get; }

    /// <summary>b: the reconstruction of the all-zero code.</summary>
    public float[] Bias { get; }

    /// <summary>In how many of the rows each code unit was non-zero; a unit never active has a zero filter here.</summary>
    public int[] ActiveRows { get; }

    /// <summary>
    /// Active units whose activity over these rows is a combination of other units' (say, two units seen only
    /// once, in the same row): the rows cannot tell their filters apart, so they get a zero filter. More rows help.
    /// </summary>
    public int UnidentifiedUnits { get; }

    /// <summary>The largest |W c + b - r| over the rows: float round-off when the decoder is affine.</summary>
    public double MaxResidual { get; }

    /// <summary>Solves the normal equations over the rows' (code, reconstruction) pairs, in double precision.</summary>
    public static LinearDecoder Fit(float[][] codes, float[][] reconstructions)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(reconstructions.Length, codes.Length, nameof(reconstructions));
        ArgumentOutOfRangeException.ThrowIfZero(codes.Length, nameof(codes));
        var latent = codes[0].Length;
        var size = reconstructions[0].Length;
        var n = latent + 1; // the code and a constant 1 for the bias

        // Gram = sum x x^T and moments = sum x r^T with x = [c; 1]; codes are sparse, so only non-zeros are visited.
        var gram = new double[n, n];
        var moments = new double[n, size];
        var activeRows = new int[latent];
        var nonZero = new List<int>(n);
        for (var row = 0; row < codes.Length; row++)
        {
            var c = codes[row];
            nonZero.Clear();
            for (var j = 0; j < latent; j++)
            {
                if (c[j] != 0)
                {
                    nonZero.Add(j);
                    activeRows[j]++;
                }
            }
            nonZero.Add(latent);
            foreach (var a in nonZero)
            {
                var xa = a == latent ? 1.0 : c[a];
                foreach (var b in nonZero)
                    gram[a, b] += xa * (b == latent ? 1.0 : c[b]);
                var r = reconstructions[row];
                for (var i = 0; i < size; i++)
                    moments[a, i] += xa * r[i];
            }
        }

        // A unit that is never active has no equation: pin its weights to zero.
        for (var j = 0; j < latent; j++)
        {
            if (activeRows[j] == 0)
                gram[j, j] = 1;
        }
        var solution = Solve(gram, moments, out var dependent);
        var unidentified = dependent.Count(j => j < latent);

        var filters = new float[latent][];
        for (var j = 0; j < latent; j++)
        {
            filters[j] = new float[size];
            for (var i = 0; i < size; i++)
                filters[j][i] = (float)solution[j, i];
        }
        var bias = new float[size];
        for (var i = 0; i < size; i++)
            bias[i] = (float)solution[latent, i];
        return new LinearDecoder(filters, bias, activeRows, unidentified, LargestResidual(codes, reconstructions, filters, bias));
    }

    // Cholesky factorisation G = L L^T, then forward and back substitution for every right-hand side column. An
    // unknown whose pivot vanishes depends on earlier ones: it is pinned to zero and the others solved without it.
    private static double[,] Solve(double[,] gram, double[,] rightHandSides, out List<int> dependent)
    {
        var n = gram.GetLength(0);
        var columns = rightHandSides.GetLength(1);
        var l = new double[n, n];
        dependent = [];
        for (var j = 0; j < n; j++)
        {
            var diagonal = gram[j, j];
            for (var k = 0; k < j; k++)
                diagonal -= l[j, k] * l[j, k];
            if (diagonal <= DependencyTolerance * gram[j, j])
            {
                dependent.Add(j);
                for (var k = 0; k < j; k++)
                    l[j, k] = 0;
                l[j, j] = 1;
                continue;
            }
            l[j, j] = Math.Sqrt(diagonal);
            for (var i = j + 1; i < n; i++)
            {
                var sum = gram[i, j];
                for (var k = 0; k < j; k++)
                    sum -= l[i, k] * l[j, k];
                l[i, j] = sum / l[j, j];
            }
        }

        var x = (double[,])rightHandSides.Clone();
        foreach (var j in dependent)
        {
            for (var column = 0; column < columns; column++)
                x[j, column] = 0;
        }
        for (var column = 0; column < columns; column++)
        {
            for (var i = 0; i < n; i++)
            {
                var sum = x[i, column];
                for (var k = 0; k < i; k++)
                    sum -= l[i, k] * x[k, column];
                x[i, column] = sum / l[i, i];
            }
            for (var i = n - 1; i >= 0; i--)
            {
                var sum = x[i, column];
                for (var k = i + 1; k < n; k++)
                    sum -= l[k, i] * x[k, column];
                x[i, column] = sum / l[i, i];
            }
        }
        return x;
    }

    private static double LargestResidual(float[][] codes, float[][] reconstructions, float[][] filters, float[] bias)
    {
        var max = 0.0;
        var predicted = new double[bias.Length];
        for (var row = 0; row < codes.Length; row++)
        {
            for (var i = 0; i < bias.Length; i++)
                predicted[i] = bias[i];
            for (var j = 0; j < filters.Length; j++)
            {
                var c = codes[row][j];
                if (c == 0)
                    continue;
                for (var i = 0; i < bias.Length; i++)
                    predicted[i] += c * filters[j][i];
            }
            for (var i = 0; i < bias.Length; i++)
                max = Math.Max(max, Math.Abs(predicted[i] - reconstructions[row][i]));
        }
        return max;
    }
}
