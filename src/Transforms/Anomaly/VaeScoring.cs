using MLNetAutoencoders.Persistence;

namespace MLNetAutoencoders.Anomaly;

/// <summary>How a variational detector turns posterior samples into a score; saved with the model.</summary>
/// <param name="Score">Expected reconstruction error or negative ELBO.</param>
/// <param name="Samples">The number L of posterior samples per row.</param>
/// <param name="Seed">Seed of the posterior noise.</param>
/// <param name="BernoulliLikelihood">Whether the ELBO's likelihood term is the summed binary cross-entropy (else the summed squared error).</param>
internal sealed record VaeScoring(VaeAnomalyScore Score, int Samples, int Seed, bool BernoulliLikelihood)
{
    /// <summary>Largest number of posterior samples per row.</summary>
    public const int MaxSamples = 1024;

    /// <summary>
    /// The L x <paramref name="latentDimension"/> standard normal draws that every row shares (common random numbers):
    /// row x decodes z_l = mu(x) + sigma(x) * eps_l, so its score depends only on its features and the seed,
    /// never on its position, its batch or the process.
    /// </summary>
    public float[] Noise(int latentDimension)
    {
        var random = new Random(Seed);
        var noise = new float[Samples * latentDimension];
        for (var i = 0; i < noise.Length; i += 2)
        {
            var radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble()));
            var (sin, cos) = Math.SinCos(2.0 * Math.PI * random.NextDouble());
            noise[i] = (float)(radius * cos);
            if (i + 1 < noise.Length)
                noise[i + 1] = (float)(radius * sin);
        }
        return noise;
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write((int)Score);
        writer.Write(Samples);
        writer.Write(Seed);
        writer.Write(BernoulliLikelihood);
    }

    internal static VaeScoring Read(BinaryReader reader)
    {
        var score = (VaeAnomalyScore)reader.ReadInt32();
        if (!Enum.IsDefined(score))
            throw new FormatException($"Model file holds an unknown VAE anomaly score {(int)score}.");
        var samples = ModelFormat.ReadInt(reader, "the number of posterior samples", 1, MaxSamples);
        return new VaeScoring(score, samples, reader.ReadInt32(), reader.ReadBoolean());
    }
}
