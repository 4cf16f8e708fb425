namespace MLNetAutoencoders.Sampling;

/// <summary>A source of the uniform pairs Box-Muller turns into two normals.</summary>
internal interface IUniformPairs
{
    /// <summary>Pair <paramref name="index"/> (pairs are read in order): u1 in (0, 1], so its logarithm is finite, and u2 in [0, 1).</summary>
    (double U1, double U2) Pair(int index);
}

/// <summary>
/// The one Gaussian generator: Box-Muller (1958) over pairs of uniforms, whichever source gives them — the counter-based
/// <see cref="RowNoise"/> of the sampler or the seeded <see cref="SeededUniforms"/> of the VAE detector's shared draws.
/// </summary>
internal static class GaussianNoise
{
    /// <summary>Fills <paramref name="destination"/> with independent N(0, <paramref name="scale"/>²) values.</summary>
    public static void Fill<TSource>(Span<float> destination, float scale, TSource source) where TSource : IUniformPairs
    {
        for (var i = 0; i < destination.Length; i += 2)
        {
            var (u1, u2) = source.Pair(i >> 1);
            var radius = Math.Sqrt(-2.0 * Math.Log(u1)) * scale;
            var (sin, cos) = Math.SinCos(2.0 * Math.PI * u2);
            destination[i] = (float)(radius * cos);
            if (i + 1 < destination.Length)
                destination[i + 1] = (float)(radius * sin);
        }
    }
}

/// <summary>Uniform pairs from a seeded <see cref="Random"/>, drawn in order: u1 = 1 - NextDouble(), then u2 = NextDouble().</summary>
internal readonly struct SeededUniforms(Random random) : IUniformPairs
{
    public (double U1, double U2) Pair(int index) => (1.0 - random.NextDouble(), random.NextDouble());
}
