using MLNetAutoencoders.Networks;

namespace MLNetAutoencoders.Anomaly;

/// <summary>
/// Checks the detector's options at the public boundary: its own, and the autoencoder's network and training (the
/// detector ignores the autoencoder's column names).
/// </summary>
internal static class AutoencoderAnomalyOptionsValidation
{
    public static void Validate(AutoencoderAnomalyOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (string.IsNullOrWhiteSpace(o.FeatureColumnName))
            throw new ArgumentException($"{nameof(o.FeatureColumnName)} must be a non-empty column name.", nameof(o.FeatureColumnName));
        if (o.Autoencoder is null)
            throw new ArgumentNullException(nameof(o.Autoencoder), "Autoencoder options must not be null (start from AutoencoderAnomalyOptions.DefaultAutoencoder()).");
        if (!(o.Contamination > 0 && o.Contamination <= 0.5f))
            throw new ArgumentOutOfRangeException(nameof(o.Contamination), o.Contamination,
                $"Contamination is the expected fraction of anomalies and must be in (0, 0.5]; got {o.Contamination}.");
        if (o.Threshold is { } threshold && !float.IsFinite(threshold))
            throw new ArgumentOutOfRangeException(nameof(o.Threshold), threshold, $"Threshold must be a finite score; got {threshold}.");
        if (!Enum.IsDefined(o.VaeScore))
            throw new ArgumentOutOfRangeException(nameof(o.VaeScore), o.VaeScore, $"VaeScore must be a defined VaeAnomalyScore; got {o.VaeScore}.");
        if (o.VaeScoringSamples < 1 || o.VaeScoringSamples > VaeScoring.MaxSamples)
            throw new ArgumentOutOfRangeException(nameof(o.VaeScoringSamples), o.VaeScoringSamples,
                $"VaeScoringSamples must be in [1, {VaeScoring.MaxSamples}]; got {o.VaeScoringSamples}.");
        if (o.Standardize)
        {
            var a = o.Autoencoder;
            var needsUnitInterval = a.Kind == AutoencoderKind.Variational ? a.Likelihood == VaeLikelihood.Bernoulli : a.Loss == ReconstructionLoss.BinaryCrossEntropy;
            if (needsUnitInterval)
                throw new ArgumentException("Binary cross-entropy and the Bernoulli likelihood need inputs in [0, 1], but standardized features are not: set Standardize = false.", nameof(o.Standardize));
            if (a.OutputActivation == Activation.Sigmoid)
                throw new ArgumentException("A sigmoid output cannot reconstruct standardized features, which are unbounded: use OutputActivation = Identity, or set Standardize = false.", nameof(o.Standardize));
        }
        // The detector reads FeatureColumnName and ignores the autoencoder's column names, so only the rest is checked.
        AutoencoderOptionsValidation.ValidateNetworkAndTraining(o.Autoencoder);
    }
}
