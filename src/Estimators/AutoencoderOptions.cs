using MLNetAutoencoders.Networks;

namespace MLNetAutoencoders;

/// <summary>Options of <see cref="AutoencoderEstimator"/>: columns, architecture, variant settings and training.</summary>
public sealed class AutoencoderOptions
{
    /// <summary>The input column: a known-size vector of Single.</summary>
    public string InputColumnName = "Features";

    /// <summary>The embedding column (for a VAE, the posterior mean).</summary>
    public string OutputColumnName = "Embedding";

    /// <summary>The reconstruction column; null switches it off.</summary>
    public string? ReconstructionColumnName = "Reconstruction";

    /// <summary>The per-row mean squared reconstruction error column; null switches it off.</summary>
    public string? ReconstructionErrorColumnName = "ReconstructionError";

    /// <summary>The variant.</summary>
    public AutoencoderKind Kind = AutoencoderKind.Undercomplete;

    /// <summary>Size of the embedding. Must be smaller than the input size for an undercomplete autoencoder.</summary>
    public int LatentDimension = Defaults.LatentDimension;

    /// <summary>
    /// Encoder hidden (dense) layer widths, input side first; the decoder mirrors them; an empty array for none. In a
    /// convolutional network (<see cref="ImageShape"/> set) they follow the <see cref="ConvolutionChannels"/> stages: the
    /// flattened feature maps pass through them to the code. Null (the default) is automatic: [256, 128] for a
    /// multilayer perceptron; none for a convolutional network, whose stages are its hidden layers (one dense layer from
    /// the maps to the code), which reconstructs best; for a 2-D code (a map to plot) dense layers such as [256, 128]
    /// after the stages separate classes better (README, "Images").
    /// </summary>
    public int[]? HiddenLayerSizes;

    /// <summary>
    /// The shape of the input images, channels x height x width; null (the default) builds a multilayer perceptron.
    /// When set, the network is convolutional: one stride-2 convolution stage per entry of
    /// <see cref="ConvolutionChannels"/>, then the <see cref="HiddenLayerSizes"/> dense layers (by default none) to the code, and the decoder mirrors them with transposed
    /// convolutions back to the image's exact size. The input column must hold Channels x Height x Width values in
    /// planar order: all of channel 0 row by row, then channel 1, and so on. That is what ML.NET's ExtractPixels writes
    /// with <c>interleavePixelColors: false</c> (its default); extract a grayscale image's single plane with
    /// <c>colorsToExtract: ColorBits.Red</c> (ExtractPixels writes one plane per extracted colour). <c>Fit</c> checks
    /// the column's size, and its dimensions when it has them, before reading any row.
    /// </summary>
    public ImageShape? ImageShape;

    /// <summary>
    /// The output channels of each convolution stage, input side first (1 to 8 counts, each in [1, 4096]); used only
    /// with an <see cref="ImageShape"/>. Each stage is a kernel-3, stride-2, padding-1 convolution that halves the height
    /// and width (rounding up), so an image allows as many stages as it can be halved before reaching 1 x 1 (28 x 28:
    /// five; 4 x 4: two).
    /// </summary>
    public int[] ConvolutionChannels = { 32, 64 };

    /// <summary>Activation of the hidden layers.</summary>
    public Activation HiddenActivation = Activation.Relu;

    /// <summary>Activation of the code; null chooses per kind (sigmoid for <see cref="AutoencoderKind.Sparse"/>, identity otherwise). Ignored by k-sparse and variational kinds, whose codes are linear.</summary>
    public Activation? LatentActivation;

    /// <summary>Activation of the reconstruction: identity for unbounded data, sigmoid for data in [0, 1].</summary>
    public Activation OutputActivation = Activation.Identity;

    /// <summary>Reconstruction loss of non-variational kinds.</summary>
    public ReconstructionLoss Loss = ReconstructionLoss.MeanSquaredError;

    /// <summary>Number of passes over the training data.</summary>
    public int NumberOfEpochs = 20;

    /// <summary>Rows per training step.</summary>
    public int BatchSize = 256;

    /// <summary>Learning rate of the optimizer.</summary>
    public double LearningRate = 1e-3;

    /// <summary>The optimizer.</summary>
    public OptimizerKind Optimizer = OptimizerKind.Adam;

    /// <summary>Momentum of <see cref="OptimizerKind.Sgd"/>.</summary>
    public double Momentum = 0.9;

    /// <summary>Weight decay (L2 for Adam and SGD, decoupled for AdamW).</summary>
    public double WeightDecay;

    /// <summary>
    /// Fraction of the rows held out for validation, in [0, 0.5]; 0 trains on every row. Each row is held out when a
    /// hash of its row id (<c>DataViewRowId</c>) and the seed falls below the fraction, so the split needs neither the
    /// row count nor the rows in memory and is the same in memory and streaming; the number held out is close to, not
    /// exactly, fraction x rows. A view must give its rows distinct ids (ML.NET's views do).
    /// </summary>
    public float ValidationFraction;

    /// <summary>Stop after this many epochs without validation improvement and keep the best weights; 0 never stops early. Needs a validation fraction.</summary>
    public int EarlyStoppingPatience;

    /// <summary>Random seed of initialisation, shuffling and noise; null takes one from the MLContext's seed.</summary>
    public int? Seed;

    /// <summary>Rows per network call when scoring through a cursor.</summary>
    public int ScoringBatchSize = Defaults.ScoringBatchSize;

    /// <summary>
    /// What to do with training rows whose input vector holds NaN or ±infinity. False (the default): <c>Fit</c> fails
    /// with an <see cref="InvalidOperationException"/> naming the column, the first bad row and the index of its bad
    /// value. True: such rows are left out of training (and, in the anomaly detector, out of the standardization and
    /// the threshold); the number left out is written to <c>mlContext.Log</c> and kept in the fitted transformer's
    /// <c>SkippedTrainingRows</c>, and <c>Fit</c> fails if every row is left out. ML.NET's alternatives in front of
    /// the estimator are <c>mlContext.Data.FilterRowsByMissingValues</c> (drops rows with NaN, not infinity) and
    /// <c>mlContext.Transforms.ReplaceMissingValues</c> (imputes NaN). Scoring is not affected: a NaN in a scoring
    /// row propagates to that row's outputs.
    /// </summary>
    public bool SkipRowsWithNonFiniteValues;

    /// <summary>
    /// How training reads its rows: <see cref="TrainingDataMode.Automatic"/> (the default) keeps them in memory when
    /// they fit <see cref="MemoryBudgetBytes"/> and streams them through cursors otherwise; <see cref="TrainingDataMode.InMemory"/>
    /// and <see cref="TrainingDataMode.Streaming"/> force a path. Both paths train the same model when the shuffle pool
    /// holds every training row (same seed, same options).
    /// </summary>
    public TrainingDataMode DataMode = TrainingDataMode.Automatic;

    /// <summary>
    /// The memory training may use for its rows, in bytes: the in-memory tensor (rows x features x 4 bytes) under
    /// <see cref="TrainingDataMode.Automatic"/>, and the shuffle pool and kept validation rows when streaming. Null (the
    /// default) is half of the memory available to the process (<c>GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2</c>:
    /// physical memory or the container's limit). The network, the optimizer state and the view's own caches are not counted.
    /// </summary>
    public long? MemoryBudgetBytes;

    /// <summary>
    /// Streaming: the rows of the shuffle pool, from which mini-batches are drawn at random (when the pool is full, a
    /// random row leaves it for the next batch and the row read takes its place). The pool holds at most
    /// min(ShufflePoolRows, MemoryBudgetBytes / (4 x features)) rows. Larger pools shuffle better; a pool holding every
    /// training row is a full shuffle. Default 65,536.
    /// </summary>
    public int ShufflePoolRows = Defaults.ShufflePoolRows;

    /// <summary>
    /// The number of threads libtorch uses for this <c>Fit</c> (<c>torch.set_num_threads</c>), as ML.NET's trainers'
    /// <c>NumberOfThreads</c>; at least 1. The previous setting is restored when <c>Fit</c> returns, fails or is
    /// cancelled. Null (the default) leaves libtorch's process setting as it is (libtorch starts with one thread per
    /// physical core). The setting is process-global in libtorch: concurrent <c>Fit</c> calls with different values
    /// interfere with each other, and other TorchSharp work in the process runs with this value while a <c>Fit</c> lasts.
    /// </summary>
    public int? NumberOfThreads;

    /// <summary>Receives a report after every epoch (ML.NET's log channel gets a line too).</summary>
    public IProgress<AutoencoderTrainingProgress>? Progress;

    /// <summary>Denoising: the corruption applied to training inputs.</summary>
    public CorruptionKind Corruption = CorruptionKind.Gaussian;

    /// <summary>Denoising: noise standard deviation (Gaussian) or fraction of corrupted features (masking, salt-and-pepper).</summary>
    public float CorruptionLevel = 0.3f;

    /// <summary>Sparse: weight of the L1 penalty on the code (mean over rows of the sum of |code|); 0 switches it off.</summary>
    public float SparsityL1Weight;

    /// <summary>Sparse: the target mean activation rho of each code unit, in (0, 1).</summary>
    public float SparsityTarget = 0.05f;

    /// <summary>Sparse: weight beta of the KL sparsity penalty sum_j KL(rho || mean activation of unit j); 0 switches it off.</summary>
    public float SparsityKLWeight = 0.1f;

    /// <summary>k-sparse: the number k of code units kept during (the end of) training.</summary>
    public int KSparseK = 8;

    /// <summary>k-sparse: the k training starts from, annealed linearly down to <see cref="KSparseK"/> over the first half of training; null starts from the latent dimension.</summary>
    public int? KSparseInitialK;

    /// <summary>k-sparse: at scoring time alpha * k units are kept (alpha ≥ 1, Makhzani &amp; Frey 2013).</summary>
    public float KSparseScoringAlpha = 1f;

    /// <summary>Contractive: weight lambda of the squared Frobenius norm of the encoder's Jacobian.</summary>
    public float ContractiveWeight = 0.1f;

    /// <summary>Contractive: random projections per batch of the unbiased Jacobian-norm estimate (Hutchinson); more is slower and less noisy.</summary>
    public int ContractiveProjections = 1;

    /// <summary>Variational: weight beta of the KL term (beta-VAE; 1 is the ELBO).</summary>
    public float Beta = 1f;

    /// <summary>Variational: epochs over which the KL weight rises linearly from 0 to <see cref="Beta"/>; 0 starts at beta.</summary>
    public int KLWarmupEpochs;

    /// <summary>Variational: the likelihood p(x|z).</summary>
    public VaeLikelihood Likelihood = VaeLikelihood.Gaussian;

    /// <summary>The defaults the options and the catalog methods share (as ML.NET's <c>Options.Defaults</c>).</summary>
    internal static class Defaults
    {
        public const int LatentDimension = 32;
        public const int ScoringBatchSize = 1024;
        public const int ShufflePoolRows = 65536;

        /// <summary>The hidden layers a multilayer perceptron gets when <see cref="HiddenLayerSizes"/> is null.</summary>
        public static IReadOnlyList<int> PerceptronHiddenLayerSizes { get; } = [256, 128];
    }

    internal AutoencoderOptions Clone()
    {
        var clone = (AutoencoderOptions)MemberwiseClone();
        // The mutable fields: a caller changing its arrays later must not change an estimator holding the clone.
        clone.HiddenLayerSizes = (int[]?)HiddenLayerSizes?.Clone();
        clone.ConvolutionChannels = (int[])ConvolutionChannels?.Clone()!;
        return clone;
    }
}
