namespace MLNetAutoencoders.Samples.Gallery.Analysis;

/// <summary>The corruption the denoising autoencoder trains with (CorruptionKind.Gaussian), applied to test images.</summary>
public static class GaussianNoise
{
    /// <summary>A copy of <paramref name="values"/> plus independent N(0, sigma²) noise, not clipped (as in training).</summary>
    public static float[] Add(ReadOnlySpan<float> values, float sigma, int seed)
    {
        var random = new Random(seed);
        var noisy = new float[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            // Box-Muller: two uniforms give one standard normal.
            var u = 1.0 - random.NextDouble();
            var v = random.NextDouble();
            noisy[i] = values[i] + sigma * (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
        }
        return noisy;
    }
}
