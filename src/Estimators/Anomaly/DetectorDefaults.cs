namespace MLNetAutoencoders.Anomaly;

/// <summary>
/// The detector's automatic defaults: the architecture and training length that <see cref="AutoencoderAnomalyOptions.DefaultAutoencoder"/>
/// leaves open (<see cref="AutoencoderOptions.LatentDimension"/> 0, <see cref="AutoencoderOptions.HiddenLayerSizes"/> null,
/// <see cref="AutoencoderOptions.NumberOfEpochs"/> 0, <see cref="AutoencoderOptions.BatchSize"/> 0) follow from the table's
/// d features and n rows; a value set explicitly wins. The rule (chosen on the anomaly suite's tuning tables and
/// Fashion-MNIST one-class, benchmarks/README.md):
/// <list type="bullet">
/// <item>code: ceil(d / 4), between 1 and 8 (always below d, so every table of 2 or more features trains);</item>
/// <item>hidden layers: 256, 128 for d &gt; 128 (images); otherwise one layer of 2d, between 8 and 128;</item>
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
            resolved.LatentDimension = Math.Clamp((features + 3) / 4, 1, Math.Min(8, Math.Max(1, features - 1)));
        resolved.HiddenLayerSizes ??= features > 128 ? [256, 128] : [Math.Clamp(2 * features, 8, 128)];
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
