using MLNetAutoencoders.Networks;
using TorchSharp;
using MLNetAutoencoders.Native;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Training;

/// <summary>Denoising: corrupts a training batch (Vincent et al. 2008). The clean batch stays the target.</summary>
internal sealed class Corruption(CorruptionKind kind, float level, Tensor featureMin, Tensor featureMax, Generator generator)
{
    public Tensor Apply(Tensor clean)
    {
        // Explicit Scalars, alive until the native calls have returned (see LossTerms.cs).
        using var amount = level.ToScalar();
        using var half = 0.5f.ToScalar();
        return kind switch
        {
            CorruptionKind.Gaussian => clean.Plus(randn(clean.shape, generator: generator) * amount),
            CorruptionKind.Masking => clean * (rand(clean.shape, generator: generator) >= amount),
            CorruptionKind.SaltAndPepper => where(rand(clean.shape, generator: generator) < amount,
                where(rand(clean.shape, generator: generator) < half, featureMax.expand_as(clean), featureMin.expand_as(clean)),
                clean),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown corruption."),
        };
    }
}
