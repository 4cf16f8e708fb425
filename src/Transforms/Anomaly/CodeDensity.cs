using MLNetAutoencoders.Native;
using MLNetAutoencoders.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Anomaly;

/// <summary>
/// The detector's density term in code space, and how it joins the reconstruction error into one score. The density
/// score of a row is the Euclidean distance from its code to the k-th nearest of a seeded sample of training codes
/// (k-nearest-neighbour distance, Ramaswamy et al. 2000, taken among codes as DAGMM takes density in code space,
/// Zong et al. 2018): large for rows that reconstruct well but lie where few training rows lie. The score is then
/// reconstruction error / its training interquartile range + distance / its training interquartile range: each term in
/// units of its own spread over the training rows, so none dominates by scale, and never negative. An image's
/// reconstruction score already is such a sum (<see cref="StructuralDissimilarity"/>); its scale is then 1, not the
/// spread of the sum, so the score is three terms of equal standing. Saved with the model.
/// </summary>
internal sealed class CodeDensity
{
    /// <summary>Largest number of reference codes a model holds (and reads from a file).</summary>
    public const int MaxReferenceRows = 1 << 16;

    private readonly float[] references;

    /// <param name="references">The reference codes, row-major, <paramref name="rows"/> x <paramref name="codeSize"/>.</param>
    /// <param name="rows">Number of reference codes, in [1, <see cref="MaxReferenceRows"/>].</param>
    /// <param name="codeSize">Size of a code.</param>
    /// <param name="neighbours">k, in [1, <paramref name="rows"/>].</param>
    /// <param name="reconstructionScale">The training interquartile range of the reconstruction score (positive).</param>
    /// <param name="distanceScale">The training interquartile range of the k-th neighbour distance (positive).</param>
    public CodeDensity(float[] references, int rows, int codeSize, int neighbours, float reconstructionScale, float distanceScale)
    {
        ArgumentNullException.ThrowIfNull(references);
        if (rows < 1 || rows > MaxReferenceRows)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"The number of reference codes must be in [1, {MaxReferenceRows}].");
        if (codeSize < 1 || (long)rows * codeSize != references.Length)
            throw new ArgumentException($"Expected {rows} x {codeSize} reference values; got {references.Length}.", nameof(references));
        if (neighbours < 1 || neighbours > rows)
            throw new ArgumentOutOfRangeException(nameof(neighbours), neighbours, $"The number of neighbours must be in [1, {rows}].");
        if (references.Any(v => !float.IsFinite(v)))
            throw new ArgumentException("Reference codes must be finite.", nameof(references));
        if (!(reconstructionScale > 0) || !(distanceScale > 0) || !float.IsFinite(reconstructionScale) || !float.IsFinite(distanceScale))
            throw new ArgumentException("The score's scales must be positive and finite.");
        this.references = references;
        Rows = rows;
        CodeSize = codeSize;
        Neighbours = neighbours;
        ReconstructionScale = reconstructionScale;
        DistanceScale = distanceScale;
    }

    /// <summary>The reference codes, row-major, <see cref="Rows"/> x <see cref="CodeSize"/>.</summary>
    public IReadOnlyList<float> References => references;

    public int Rows { get; }

    public int CodeSize { get; }

    public int Neighbours { get; }

    public float ReconstructionScale { get; }

    public float DistanceScale { get; }

    /// <summary>The distance from each code of a [rows, code] batch to its k-th nearest reference code.</summary>
    public Tensor Distance(Tensor codes)
    {
        var reference = tensor(references, [Rows, CodeSize]);
        // Pairwise differences, not the matrix-product shortcut, so a row's distances do not depend on its batch.
        var (nearest, _) = cdist(codes, reference, compute_mode: compute_mode.donot_use_mm_for_euclid_dist).topk(Neighbours, dim: 1, largest: false);
        return nearest.select(1, Neighbours - 1);
    }

    /// <summary>The score of rows with reconstruction scores <paramref name="reconstruction"/> and codes <paramref name="codes"/>.</summary>
    public Tensor Score(Tensor reconstruction, Tensor codes)
    {
        using var reconstructionScale = ReconstructionScale.ToScalar();
        using var distanceScale = DistanceScale.ToScalar();
        return reconstruction.div(reconstructionScale).PlusInPlace(Distance(codes).div_(distanceScale));
    }

    /// <summary>
    /// Fits the term on the training rows: <paramref name="referenceRows"/> of the codes drawn with <paramref name="seed"/>
    /// (all when there are fewer), k = max(5, 5 % of the references) capped at their number, and the scales of both
    /// terms over every training row; returns the term and the training rows' scores, computed as scoring computes them.
    /// <paramref name="reconstructionInSpreadUnits"/> says the reconstruction score already is a sum of terms each divided
    /// by its own training spread (an image's squared error and structural dissimilarity): its scale is then 1, so every
    /// term of the score, the distance included, counts in units of its own spread.
    /// </summary>
    public static (CodeDensity Density, float[] Scores) Fit(float[] codes, float[] reconstruction, int codeSize, int referenceRows, int seed,
        Func<CodeDensity, float[]> distances, bool reconstructionInSpreadUnits = false)
    {
        var rows = reconstruction.Length;
        var order = Enumerable.Range(0, rows).ToArray();
        new Random(seed).Shuffle(order);
        var count = Math.Min(rows, Math.Min(referenceRows, MaxReferenceRows));
        var selected = order.Take(count).Order().ToArray();
        var references = new float[count * codeSize];
        for (var i = 0; i < count; i++)
            codes.AsSpan(selected[i] * codeSize, codeSize).CopyTo(references.AsSpan(i * codeSize, codeSize));
        var neighbours = Math.Min(count, Math.Max(5, (int)Math.Round(0.05 * count)));
        var reconstructionScale = reconstructionInSpreadUnits ? 1f : Spread(reconstruction);
        var distance = distances(new CodeDensity(references, count, codeSize, neighbours, reconstructionScale, 1));
        var density = new CodeDensity(references, count, codeSize, neighbours, reconstructionScale, Spread(distance));
        var scores = new float[rows];
        for (var i = 0; i < rows; i++)
            scores[i] = reconstruction[i] / density.ReconstructionScale + distance[i] / density.DistanceScale; // as Score: float division, then sum
        return (density, scores);
    }

    /// <summary>The interquartile range (the standard deviation when that is 0; 1 when both are).</summary>
    internal static float Spread(float[] values)
    {
        var sorted = values.Where(float.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
            return 1;
        float Quantile(double q)
        {
            var position = q * (sorted.Length - 1);
            var low = (int)Math.Floor(position);
            var high = Math.Min(low + 1, sorted.Length - 1);
            return (float)(sorted[low] + (position - low) * (sorted[high] - sorted[low]));
        }
        var scale = Quantile(0.75) - Quantile(0.25);
        if (!(scale > 0))
        {
            var mean = sorted.Average(v => (double)v);
            scale = (float)Math.Sqrt(sorted.Average(v => (v - mean) * (v - mean)));
        }
        return scale > 0 && float.IsFinite(scale) ? scale : 1f;
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write(Rows);
        writer.Write(CodeSize);
        writer.Write(Neighbours);
        ModelFormat.WriteFloats(writer, references);
        writer.Write(ReconstructionScale);
        writer.Write(DistanceScale);
    }

    internal static CodeDensity Read(BinaryReader reader, int codeSize)
    {
        var rows = ModelFormat.ReadInt(reader, "the number of reference codes", 1, MaxReferenceRows);
        ModelFormat.ReadInt(reader, "the size of the reference codes", codeSize, codeSize);
        var neighbours = ModelFormat.ReadInt(reader, "the number of neighbours", 1, rows);
        var values = (long)rows * codeSize;
        var stream = reader.BaseStream;
        if (values > int.MaxValue || (stream.CanSeek && values * sizeof(float) > stream.Length - stream.Position))
            throw new FormatException($"Model file claims {rows} reference codes of size {codeSize}, more than it holds.");
        var references = ModelFormat.ReadFloats(reader, "the reference codes", (int)values);
        if (references.Length != values)
            throw new FormatException($"Model file holds {references.Length} reference values; expected {rows} x {codeSize}.");
        try
        {
            return new CodeDensity(references, rows, codeSize, neighbours, reader.ReadSingle(), reader.ReadSingle());
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"Model file holds an invalid code density: {ex.Message}", ex);
        }
    }
}
