using static TorchSharp.torch;

namespace MLNetAutoencoders.Training;

/// <summary>Denoising: corrupts a training batch (Vincent et al. 2008). The clean batch stays the target.</summary>
internal sealed class Corruption(CorruptionKind kind, float level, Tensor featureMin, Tensor featureMax, Generator generator)
{
    public Tensor Apply(Tensor clean) => kind switch
    {
        CorruptionKind.Gaussian => clean + randn(clean.shape, generator: generator) * level,
        CorruptionKind.Masking => clean * (rand(clean.shape, generator: generator) >= level),
        CorruptionKind.SaltAndPepper => where(rand(clean.shape, generator: generator) < level,
            where(rand(clean.shape, generator: generator) < 0.5f, featureMax.expand_as(clean), featureMin.expand_as(clean)),
            clean),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown corruption."),
    };
}
