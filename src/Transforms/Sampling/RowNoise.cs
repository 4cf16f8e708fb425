namespace MLNetAutoencoders.Sampling;

/// <summary>The independent noise streams a sampled row draws from.</summary>
internal enum NoiseStream
{
    /// <summary>The latent noise: z ~ N(0, I) or the posterior's epsilon.</summary>
    Latent = 0,
    /// <summary>The observation noise of a draw from p(x|z).</summary>
    Observation = 1,
}

/// <summary>
/// Counter-based noise for one row: value i of a stream is a pure function of (seed, row position, stream, i),
/// so a row's noise never depends on the batch it is scored in, on cursor order or on threads. Each
/// (seed, stream, position) keys its own SplitMix64 sequence (Steele, Lea &amp; Flood 2014), read by counter;
/// normals come from <see cref="GaussianNoise"/> (Box-Muller) on pairs of 32-bit uniforms. Computed on the managed side: a torch generator
/// per row would cost more than the decoder.
/// </summary>
internal readonly struct RowNoise : IUniformPairs
{
    private const ulong Golden = 0x9E3779B97F4A7C15;
    private const double TwoToMinus32 = 1.0 / 4294967296.0;
    private readonly ulong key;

    public RowNoise(int seed, NoiseStream stream, long position)
    {
        var seedKey = Mix(((ulong)(uint)seed << 8) | (uint)stream);
        key = Mix(seedKey + (ulong)position * Golden);
    }

    /// <summary>Fills <paramref name="destination"/> with independent N(0, <paramref name="scale"/>²) values.</summary>
    public void FillNormal(Span<float> destination, float scale) => GaussianNoise.Fill(destination, scale, this);

    /// <summary>Pair <paramref name="index"/> of 32-bit uniforms from one 64-bit value: u1 in (0, 1], u2 in [0, 1).</summary>
    public (double U1, double U2) Pair(int index)
    {
        var bits = Next((ulong)index);
        return (((bits >> 32) + 1.0) * TwoToMinus32, (bits & 0xFFFFFFFF) * TwoToMinus32);
    }

    /// <summary>Value <paramref name="index"/> of the stream as a uniform in [0, 1).</summary>
    public double Uniform(int index) => (Next((ulong)index) >> 11) * (1.0 / (1UL << 53));

    private ulong Next(ulong counter) => Mix(key + (counter + 1) * Golden);

    // SplitMix64's finaliser: a bijection on 64 bits with full avalanche.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
