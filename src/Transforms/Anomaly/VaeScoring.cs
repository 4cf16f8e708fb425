using MLNetAutoencoders.Persistence;
using MLNetAutoencoders.Sampling;

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
        var noise = new float[Samples * latentDimension];
        GaussianNoise.Fill(noise, 1f, new SeededUniforms(new Random(Seed)));
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
