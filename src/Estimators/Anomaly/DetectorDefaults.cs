namespace MLNetAutoencoders.Anomaly;

/// <summary>
/// The detector's automatic defaults: the architecture and training length that <see cref="AutoencoderAnomalyOptions.DefaultAutoencoder"/>
/// leaves open (<see cref="AutoencoderOptions.LatentDimension"/> 0, <see cref="AutoencoderOptions.HiddenLayerSizes"/> null,
/// <see cref="AutoencoderOptions.NumberOfEpochs"/> 0, <see cref="AutoencoderOptions.BatchSize"/> 0) follow from the table's
/// d features and n rows; a value set explicitly wins. The rule (chosen by measurement on the anomaly suite,
/// benchmarks/README.md; with the code-space density term on):
/// <list type="bullet">
/// <item>code: 2 (1 for a table of 2 features, so every table of 2 or more features trains). A two-dimensional code
/// gave the best suite mean: ROC-AUC 0.897 against 0.873 for 1, 0.896 for 3 and 0.881 for ceil(d / 4) up to 8
/// (2 seeds); small codes force both terms of the score to summarize the table, a larger one lets the network
/// reconstruct the anomalies too;</item>
/// <item>hidden layers: 256, 128 for d &gt; 128 (images); otherwise one layer of 2d, between 8 and 128; none for a
/// convolutional network (<see cref="AutoencoderOptions.ImageShape"/> set), whose hidden layers are its
/// <see cref="AutoencoderOptions.ConvolutionChannels"/> stages;</item>
/// <item>batch: n / 16, between 16 and 256;</item>
/// <item>epochs: enough for about <see cref="TargetSteps"/> gradient steps, between 1 and 200 — a fixed training length
/// in steps rather than passes, because longer training teaches the network to reconstruct the anomalies among the
/// training rows too.</item>
/// </list>
/// </summary>
internal static class DetectorDefaults
{
    /// <summary>The gradient steps the automatic training length aims at.</summary>
    public const int TargetSteps = 500;

    /// <summary>Fills every automatic field of <paramref name="options"/> for <paramref name="rows"/> rows of <paramref name="features"/> features.</summary>
    public static AutoencoderOptions Resolve(AutoencoderOptions options, int rows, int features)
    {
        var resolved = options.Clone();
        if (resolved.LatentDimension == 0)
            resolved.LatentDimension = Math.Clamp(features - 1, 1, 2);
        // A convolutional network's hidden layers are its convolution stages: no automatic dense layers.
        resolved.HiddenLayerSizes ??= resolved.ImageShape is not null ? [] : features > 128 ? [256, 128] : [Math.Clamp(2 * features, 8, 128)];
        if (resolved.BatchSize == 0)
            resolved.BatchSize = Math.Clamp(rows / 16, 16, 256);
        if (resolved.NumberOfEpochs == 0)
        {
            var stepsPerEpoch = Math.Max(1, (rows + resolved.BatchSize - 1) / resolved.BatchSize);
            resolved.NumberOfEpochs = Math.Clamp((TargetSteps + stepsPerEpoch - 1) / stepsPerEpoch, 1, 200);
        }
        return resolved;
    }
}
