using MLNetAutoencoders.Validation;

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
        OptionChecks.RequireName(o.FeatureColumnName, nameof(o.FeatureColumnName));
        if (o.Autoencoder is null)
            throw new ArgumentNullException(nameof(o.Autoencoder), "Autoencoder options must not be null (start from AutoencoderAnomalyOptions.DefaultAutoencoder()).");
        if (!(o.Contamination > 0 && o.Contamination <= 0.5f))
            throw new ArgumentOutOfRangeException(nameof(o.Contamination), o.Contamination,
                $"Contamination is the expected fraction of anomalies and must be in (0, 0.5]; got {o.Contamination}.");
        if (o.Threshold is { } threshold && !float.IsFinite(threshold))
            throw new ArgumentOutOfRangeException(nameof(o.Threshold), threshold, $"Threshold must be a finite score; got {threshold}.");
        OptionChecks.RequireDefined(o.VaeScore, nameof(o.VaeScore));
        if (o.VaeScoringSamples < 1 || o.VaeScoringSamples > VaeScoring.MaxSamples)
            OptionChecks.Fail(nameof(o.VaeScoringSamples), o.VaeScoringSamples, $"in [1, {VaeScoring.MaxSamples}]");
        if (o.StandardizesFeatures)
        {
            var a = o.Autoencoder;
            if (AutoencoderOptionsValidation.ProbabilisticOutputReader(a) is not null)
                throw new ArgumentException("Binary cross-entropy and the Bernoulli likelihood need inputs in [0, 1], but standardized features are not: set Standardize = false.", nameof(o.Standardize));
            if (a.OutputActivation == Activation.Sigmoid)
                throw new ArgumentException("A sigmoid output cannot reconstruct standardized features, which are unbounded: use OutputActivation = Identity, or set Standardize = false.", nameof(o.Standardize));
        }
        if (o.ScoreStructuralDissimilarity == true && o.Autoencoder.ImageShape is null)
            throw new ArgumentException("ScoreStructuralDissimilarity compares images and their reconstructions: set Autoencoder.ImageShape (channels, height, width), or leave it null.", nameof(o.ScoreStructuralDissimilarity));
        if (o.ScoreStructuralDissimilarity == true && o.Autoencoder.Kind == AutoencoderKind.Variational)
            throw new ArgumentException("ScoreStructuralDissimilarity applies to the deterministic kinds: a variational autoencoder scores with its posterior samples (VaeScore). Leave it null or false.", nameof(o.ScoreStructuralDissimilarity));
        if (o.CodeDensityReferenceRows < 1 || o.CodeDensityReferenceRows > CodeDensity.MaxReferenceRows)
            OptionChecks.Fail(nameof(o.CodeDensityReferenceRows), o.CodeDensityReferenceRows, $"in [1, {CodeDensity.MaxReferenceRows}]");
        AutoencoderOptionsValidation.ValidateNetworkAndTraining(o.Autoencoder, automaticAllowed: true);
    }
}
