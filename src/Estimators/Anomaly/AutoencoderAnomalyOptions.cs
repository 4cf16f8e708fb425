using MLNetAutoencoders.Networks;

namespace MLNetAutoencoders.Anomaly;

/// <summary>
/// Options of <see cref="AutoencoderAnomalyTrainer"/>: the feature column, the autoencoder (every option of the
/// embedding estimator, all six kinds), and the detector's own settings: input standardization, the threshold
/// and how a variational autoencoder scores.
/// </summary>
public sealed class AutoencoderAnomalyOptions
{
    /// <summary>The feature column: a known-size vector of Single.</summary>
    public string FeatureColumnName = "Features";

    /// <summary>
    /// The autoencoder: kind, architecture, variant settings and training. Its column names
    /// (<see cref="AutoencoderOptions.InputColumnName"/> and the output names) are ignored: the detector reads
    /// <see cref="FeatureColumnName"/> and writes <c>Score</c> and <c>PredictedLabel</c>. The defaults are the
    /// detector's tuned defaults (see <see cref="DefaultAutoencoder"/>), not the embedding estimator's.
    /// </summary>
    public AutoencoderOptions Autoencoder = DefaultAutoencoder();

    /// <summary>
    /// The expected fraction c of anomalies, in (0, 0.5]: the threshold is the (1 - c) quantile of the training
    /// rows' scores (linear interpolation, as PyOD does), so about c of the training rows are flagged.
    /// Ignored when <see cref="Threshold"/> is set.
    /// </summary>
    public float Contamination = 0.1f;

    /// <summary>An explicit threshold on the score; rows with <c>Score &gt; Threshold</c> are anomalies. Null uses <see cref="Contamination"/>.</summary>
    public float? Threshold;

    /// <summary>
    /// Standardize every feature with its training mean and standard deviation before the network sees it
    /// (saved with the model; a constant feature is only centred). Scores are then reconstruction errors in
    /// units of each feature's spread. Switch it off for inputs already on a common scale, and for binary
    /// cross-entropy or a Bernoulli VAE, which need inputs in [0, 1].
    /// </summary>
    public bool Standardize = true;

    /// <summary>Variational autoencoder: what the score measures.</summary>
    public VaeAnomalyScore VaeScore = VaeAnomalyScore.ExpectedReconstructionError;

    /// <summary>
    /// Variational autoencoder: posterior samples L per row. Every row uses the same L noise draws (from the
    /// autoencoder's seed), so a row's score is deterministic and depends only on its features.
    /// </summary>
    public int VaeScoringSamples = 10;

    /// <summary>
    /// The autoencoder defaults of the detector: an undercomplete 256-128-8 ReLU network with an identity output,
    /// 20 epochs of Adam (1e-3, batch 256). Chosen on the Fashion-MNIST one-class benchmark
    /// (benchmarks/README.md, anomaly detection): a code of 8 did as well as 32 there and leaves the defaults usable for
    /// tables of more than 8 features.
    /// </summary>
    public static AutoencoderOptions DefaultAutoencoder() => new()
    {
        Kind = AutoencoderKind.Undercomplete,
        HiddenLayerSizes = [256, 128],
        LatentDimension = 8,
        HiddenActivation = Activation.Relu,
        OutputActivation = Activation.Identity,
        NumberOfEpochs = 20,
    };

    internal AutoencoderAnomalyOptions Clone()
    {
        var clone = (AutoencoderAnomalyOptions)MemberwiseClone();
        clone.Autoencoder = Autoencoder?.Clone()!; // null is rejected by the validation of the copy
        return clone;
    }
}
