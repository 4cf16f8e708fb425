using Microsoft.ML;

namespace MLNetAutoencoders;

/// <summary>The columns an autoencoder transformer reads and writes.</summary>
/// <param name="Input">The input column: a known-size vector of Single.</param>
/// <param name="Embedding">The embedding (code) column; for a VAE the posterior mean.</param>
/// <param name="Reconstruction">The reconstruction column (same size as the input), or null when switched off.</param>
/// <param name="ReconstructionError">The per-row mean squared reconstruction error column, or null when switched off.</param>
public sealed record AutoencoderColumns(string Input, string Embedding, string? Reconstruction, string? ReconstructionError)
{
    internal void Write(ModelSaveContext ctx)
    {
        ctx.SaveNonEmptyString(Input);
        ctx.SaveNonEmptyString(Embedding);
        ctx.SaveStringOrNull(Reconstruction);
        ctx.SaveStringOrNull(ReconstructionError);
    }

    internal static AutoencoderColumns Read(ModelLoadContext ctx) =>
        new(ctx.LoadNonEmptyString(), ctx.LoadNonEmptyString(), ctx.LoadStringOrNull(), ctx.LoadStringOrNull());
}
