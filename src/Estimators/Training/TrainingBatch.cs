using MLNetAutoencoders.Networks;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Training;

/// <summary>What one training step computed, handed to the loss terms.</summary>
/// <param name="Network">The network being trained.</param>
/// <param name="Clean">The uncorrupted batch: the reconstruction target.</param>
/// <param name="Input">What the encoder saw (corrupted for denoising; requires grad for the contractive term).</param>
/// <param name="EncoderOutput">The encoder's last linear layer.</param>
/// <param name="Code">The code that was decoded (after the bottleneck; a posterior sample for a VAE).</param>
/// <param name="Reconstruction">The decoder's output.</param>
/// <param name="Epoch">The current epoch, from 0.</param>
/// <param name="Deterministic">True for validation: no corruption and no sampling.</param>
internal sealed record TrainingBatch(AutoencoderNetwork Network, Tensor Clean, Tensor Input, Tensor EncoderOutput, Tensor Code,
    Tensor Reconstruction, int Epoch, bool Deterministic);
