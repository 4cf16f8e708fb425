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
    /// detector's tuned defaults (see <see cref="DefaultAutoencoder"/>), not the embedding estimator's. Set its
    /// <see cref="AutoencoderOptions.ImageShape"/> for a convolutional detector of images (the feature column then holds
    /// the image's planes, as ExtractPixels writes them); its <see cref="AutoencoderOptions.ConvolutionChannels"/> are
    /// the embedding estimator's default, [32, 64]; its HiddenLayerSizes left null (automatic) add no dense layer after
    /// the stages, and any array sets the dense layers between the stages and the code.
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
    /// units of each feature's spread. Null (the default) is automatic: a table's features are standardized, an
    /// image's pixels (<see cref="AutoencoderOptions.ImageShape"/> set on <see cref="Autoencoder"/>) are not, since they
    /// share one scale and standardizing would magnify the noise of nearly constant border pixels (Fashion-MNIST,
    /// one-class, 3 seeds, before the structural term: mean ROC-AUC 0.923 without, 0.919 with). Set false for inputs already on a common scale, and
    /// for binary cross-entropy or a Bernoulli VAE, which need inputs in [0, 1]; true to standardize images too.
    /// </summary>
    public bool? Standardize;

    /// <summary>Whether the features are standardized: <see cref="Standardize"/>, or when null, unless the input is an image.</summary>
    internal bool StandardizesFeatures => Standardize ?? Autoencoder?.ImageShape is null;

    /// <summary>Variational autoencoder: what the score measures.</summary>
    public VaeAnomalyScore VaeScore = VaeAnomalyScore.ExpectedReconstructionError;

    /// <summary>
    /// Variational autoencoder: posterior samples L per row. Every row uses the same L noise draws (from the
    /// autoencoder's seed), so a row's score is deterministic and depends only on its features.
    /// </summary>
    public int VaeScoringSamples = 10;

    /// <summary>
    /// Whether the score adds a density term in code space: the distance from the row's code to the k-th nearest of up to
    /// <see cref="CodeDensityReferenceRows"/> training codes (k = 5 % of them, at least 5), each term measured in units of
    /// its spread over the training rows (see <see cref="AutoencoderAnomalyModelParameters"/>). It catches anomalies that
    /// the network reconstructs well because they lie on the data's manifold but away from most rows. False scores the
    /// reconstruction alone, as before the term existed.
    /// </summary>
    public bool ScoreCodeDensity = true;

    /// <summary>
    /// Whether an image detector's reconstruction score adds the structural dissimilarity to the squared error: 1 - the
    /// mean structural similarity (SSIM, Wang et al. 2004) of the image and its reconstruction over 7 x 7 neighbourhoods,
    /// as Bergmann et al. (2019) score autoencoder reconstructions for defects. Each of the two terms counts in units of its
    /// interquartile range over the training rows, as does the density term (<see cref="ScoreCodeDensity"/>): three terms of equal standing.
    /// A squared error weighs every pixel alone; the structural term sees a missing edge or texture as a whole. Null (the
    /// default) is automatic: on for a network that reads an image (<see cref="AutoencoderOptions.ImageShape"/> set) and is
    /// not variational, off otherwise (Fashion-MNIST, one-class: see benchmarks/README.md). True needs an image shape and a
    /// non-variational kind; false scores the squared error alone, as before the term existed.
    /// </summary>
    public bool? ScoreStructuralDissimilarity;

    /// <summary>Whether the score has the structural term: <see cref="ScoreStructuralDissimilarity"/>, or when null, for a non-variational image network.</summary>
    internal bool ScoresStructuralDissimilarity =>
        ScoreStructuralDissimilarity ?? (Autoencoder?.ImageShape is not null && Autoencoder.Kind != AutoencoderKind.Variational);

    /// <summary>The most training codes the density term keeps (a seeded sample when there are more rows); saved with the model.</summary>
    public int CodeDensityReferenceRows = 2048;

    /// <summary>
    /// The autoencoder defaults of the detector: an undercomplete ReLU network with an identity output, trained with Adam
    /// (1e-3), whose code size, hidden layers, batch size and number of epochs are automatic (0 or null here) and follow
    /// from the table's features and rows when <c>Fit</c> sees them: code 2 (1 for two features); hidden layers 256, 128
    /// for more than 128 features, else one of 2d in [8, 128], and no dense layer for a convolutional network (an
    /// <see cref="AutoencoderOptions.ImageShape"/> set), whose hidden layers are then its convolution stages; batch n / 16 in
    /// [16, 256]; epochs for about 500 gradient steps, in [1, 200]. Set any of them to a value to override the rule for
    /// that one.
    /// </summary>
    public static AutoencoderOptions DefaultAutoencoder() => new()
    {
        Kind = AutoencoderKind.Undercomplete,
        HiddenLayerSizes = null,
        LatentDimension = 0,
        HiddenActivation = Activation.Relu,
        OutputActivation = Activation.Identity,
        NumberOfEpochs = 0,
        BatchSize = 0,
    };

    internal AutoencoderAnomalyOptions Clone()
    {
        var clone = (AutoencoderAnomalyOptions)MemberwiseClone();
        clone.Autoencoder = Autoencoder?.Clone()!; // null is rejected by the validation of the copy
        return clone;
    }
}
