using Microsoft.ML;
using MLNetAutoencoders.Persistence;
using MLNetAutoencoders.Validation;

namespace MLNetAutoencoders;

/// <summary>How a <see cref="VaeSamplerTransformer"/> samples; saved with the model.</summary>
/// <param name="InputColumnName">
/// The column read: the rows to vary in <see cref="VaeSamplingMode.Posterior"/> mode (a vector of the VAE's input size), the
/// latent vectors in <see cref="VaeSamplingMode.Decode"/> mode (a vector of its latent size); recorded but not read in
/// <see cref="VaeSamplingMode.Prior"/> mode.
/// </param>
/// <param name="OutputColumnName">The sample column: a vector of Single of the VAE's input size.</param>
/// <param name="Mode">Where z comes from.</param>
/// <param name="Output">The decoder mean or a draw from p(x|z).</param>
/// <param name="Temperature">Scale of the latent noise, ≥ 0: 0 decodes the prior or posterior mean; ignored in Decode mode.</param>
/// <param name="Seed">Seed of every random draw. A row's sample depends only on the seed and the row's position.</param>
public sealed record VaeSamplerSettings(string InputColumnName, string OutputColumnName, VaeSamplingMode Mode, VaeDecoderOutput Output,
    float Temperature, int Seed)
{
    /// <summary>Largest temperature accepted.</summary>
    public const float MaxTemperature = 1e6f;

    internal void Validate()
    {
        OptionChecks.RequireName(InputColumnName, nameof(InputColumnName));
        VaeSamplingValidation.Validate(OutputColumnName, Mode, Output, Temperature);
    }

    internal void Write(ModelSaveContext ctx)
    {
        ctx.SaveNonEmptyString(InputColumnName);
        ctx.SaveNonEmptyString(OutputColumnName);
        ctx.Writer.Write((int)Mode);
        ctx.Writer.Write((int)Output);
        ctx.Writer.Write(Temperature);
        ctx.Writer.Write(Seed);
    }

    internal static VaeSamplerSettings Read(ModelLoadContext ctx)
    {
        var settings = new VaeSamplerSettings(ctx.LoadNonEmptyString(), ctx.LoadNonEmptyString(),
            (VaeSamplingMode)ModelFormat.ReadInt(ctx.Reader, "the sampling mode", 0, (int)VaeSamplingMode.Decode),
            (VaeDecoderOutput)ModelFormat.ReadInt(ctx.Reader, "the decoder output", 0, (int)VaeDecoderOutput.BernoulliDraw),
            ctx.Reader.ReadSingle(), ctx.Reader.ReadInt32());
        try
        {
            settings.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"Model file holds invalid sampler settings: {ex.Message}", ex);
        }
        return settings;
    }
}
