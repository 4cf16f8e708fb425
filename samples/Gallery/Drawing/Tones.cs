namespace MLNetAutoencoders.Samples.Gallery.Drawing;

/// <summary>Maps values to 8-bit grey levels for drawing.</summary>
internal static class Tones
{
    /// <summary>Pixels in [0, 1] (values outside are clipped): 0 is black, 1 is white.</summary>
    public static byte[] FromUnitInterval(ReadOnlySpan<float> values)
    {
        var grey = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
            grey[i] = (byte)Math.Round(255 * Math.Clamp(values[i], 0f, 1f));
        return grey;
    }

    /// <summary>Signed weights scaled by their largest magnitude: 0 is mid-grey, positive lighter, negative darker.</summary>
    public static byte[] Symmetric(ReadOnlySpan<float> values)
    {
        var scale = 0f;
        foreach (var v in values)
            scale = Math.Max(scale, Math.Abs(v));
        var grey = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
            grey[i] = (byte)Math.Round(127.5f + (scale > 0 ? 127.5f * values[i] / scale : 0f));
        return grey;
    }
}
