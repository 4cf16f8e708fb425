using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Persistence;
using MLNetAutoencoders.Native;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Anomaly;

/// <summary>
/// Per-feature standardization (x - mean) / scale, fitted on the training rows and saved with the detector.
/// A feature that was constant in training has scale 1, so it is centred but never divided by zero.
/// </summary>
internal sealed class FeatureStandardization
{
    private readonly float[] means;
    private readonly float[] scales;

    public FeatureStandardization(float[] means, float[] scales)
    {
        if (means.Length != scales.Length)
            throw new ArgumentException($"Expected as many scales as means; got {scales.Length} and {means.Length}.", nameof(scales));
        if (means.Any(m => !float.IsFinite(m)))
            throw new ArgumentException("Feature means must be finite.", nameof(means));
        if (scales.Any(s => !(s > 0) || !float.IsFinite(s)))
            throw new ArgumentException("Feature scales must be positive and finite.", nameof(scales));
        this.means = means;
        this.scales = scales;
    }

    public IReadOnlyList<float> Means => means;

    public IReadOnlyList<float> Scales => scales;

    /// <summary>Standardizes a [rows, features] batch in place (no second batch-sized allocation) and returns it.</summary>
    public Tensor ApplyInPlace(Tensor x)
    {
        using var mean = tensor(means);
        using var scale = tensor(scales);
        return x.MinusInPlace(mean).div_(scale);
    }

    /// <summary>Standardizes row-major values in place (the training rows, before training).</summary>
    public void ApplyInPlace(Span<float> values)
    {
        for (var start = 0; start < values.Length; start += means.Length)
        {
            var row = values.Slice(start, means.Length);
            for (var j = 0; j < row.Length; j++)
                row[j] = (row[j] - means[j]) / scales[j];
        }
    }

    internal void Write(BinaryWriter writer)
    {
        ModelFormat.WriteFloats(writer, means);
        ModelFormat.WriteFloats(writer, scales);
    }

    internal static FeatureStandardization Read(BinaryReader reader, int features)
    {
        var storedMeans = ModelFormat.ReadFloats(reader, "the feature means", features);
        var storedScales = ModelFormat.ReadFloats(reader, "the feature scales", features);
        if (storedMeans.Length != features || storedScales.Length != features)
            throw new FormatException($"Model file holds {storedMeans.Length} feature means and {storedScales.Length} scales; the network reads {features} features.");
        try
        {
            return new FeatureStandardization(storedMeans, storedScales);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"Model file holds an invalid standardization: {ex.Message}", ex);
        }
    }
}
