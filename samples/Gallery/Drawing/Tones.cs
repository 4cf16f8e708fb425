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

    /// <summary>
    /// Signed weights scaled by their largest magnitude: 0 is mid-grey, positive lighter, negative darker. In 31
    /// levels, which look the same as 256 on screen and make the PNG of a grid of filters half the size.
    /// </summary>
    public static byte[] Symmetric(ReadOnlySpan<float> values)
    {
        const int stepsPerSide = 15, step = 8;
        var scale = 0f;
        foreach (var v in values)
            scale = Math.Max(scale, Math.Abs(v));
        var grey = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
            grey[i] = (byte)(128 + step * (scale > 0 ? (int)Math.Round(stepsPerSide * values[i] / scale) : 0));
        return grey;
    }
}
