namespace MLNetAutoencoders.Validation;

/// <summary>
/// The sampling checks that <see cref="VaeSamplerSettings"/> (saved with a model) and the estimator's
/// <c>VaeSamplerOptions</c> share, so both reject the same values with the same message.
/// </summary>
internal static class VaeSamplingValidation
{
    /// <summary>Checks the sample column's name, the mode, the decoder output and the temperature bounds.</summary>
    public static void Validate(string? outputColumnName, VaeSamplingMode mode, VaeDecoderOutput output, float temperature)
    {
        OptionChecks.RequireName(outputColumnName, "OutputColumnName");
        OptionChecks.RequireDefined(mode, "Mode");
        OptionChecks.RequireDefined(output, "Output");
        if (!(temperature >= 0 && temperature <= VaeSamplerSettings.MaxTemperature))
            OptionChecks.Fail("Temperature", temperature, $"in [0, {VaeSamplerSettings.MaxTemperature}]");
    }

    /// <summary>Checks that the decoder output can be drawn from a network with <paramref name="outputActivation"/>.</summary>
    public static void RequireDrawable(VaeDecoderOutput output, Activation outputActivation, string parameter)
    {
        if (output == VaeDecoderOutput.BernoulliDraw)
            OptionChecks.RequireSigmoidOutput(outputActivation, "A Bernoulli draw", parameter);
    }
}
