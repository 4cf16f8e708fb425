using MLNetAutoencoders.Networks;
using TorchSharp;
using MLNetAutoencoders.Native;
using static TorchSharp.torch;

namespace MLNetAutoencoders.Training;

/// <summary>
/// A variant's objective as data: optional input corruption, the training-time bottleneck (identity, annealed
/// top-k or a reparameterised Gaussian sample), a reconstruction term and penalty terms. One training loop
/// runs every variant through this class.
/// </summary>
internal sealed class TrainingObjective
{
    private readonly AutoencoderNetwork network;
    private readonly Corruption? corruption;
    private readonly ILossTerm reconstruction;
    private readonly IReadOnlyList<ILossTerm> penalties;
    private readonly KSparseSchedule? kSchedule;
    private readonly Generator generator;
    private readonly bool inputNeedsGrad;

    public TrainingObjective(AutoencoderNetwork network, Corruption? corruption, ILossTerm reconstruction,
        IReadOnlyList<ILossTerm> penalties, KSparseSchedule? kSchedule, Generator generator)
    {
        this.network = network;
        this.corruption = corruption;
        this.reconstruction = reconstruction;
        this.penalties = penalties;
        this.kSchedule = kSchedule;
        this.generator = generator;
        inputNeedsGrad = penalties.Any(p => p is ContractivePenalty);
    }

    /// <summary>The loss terms, reconstruction first.</summary>
    public IEnumerable<ILossTerm> Terms => penalties.Prepend(reconstruction);

    /// <summary>Builds the objective the options describe.</summary>
    public static TrainingObjective Create(AutoencoderNetwork network, AutoencoderOptions options, int totalEpochs,
        Tensor featureMin, Tensor featureMax, Generator generator)
    {
        var penalties = new List<ILossTerm>();
        Corruption? corruption = null;
        KSparseSchedule? schedule = null;
        ILossTerm reconstruction = new MeanReconstructionLoss(options.Loss);
        switch (options.Kind)
        {
            case AutoencoderKind.Denoising:
                corruption = new Corruption(options.Corruption, options.CorruptionLevel, featureMin, featureMax, generator);
                break;
            case AutoencoderKind.Sparse:
                if (options.SparsityL1Weight > 0)
                    penalties.Add(new L1ActivityPenalty(options.SparsityL1Weight));
                if (options.SparsityKLWeight > 0)
                    penalties.Add(new KLSparsityPenalty(options.SparsityTarget, options.SparsityKLWeight));
                break;
            case AutoencoderKind.KSparse:
                schedule = new KSparseSchedule(options.KSparseInitialK ?? network.Description.LatentDimension, options.KSparseK, totalEpochs);
                break;
            case AutoencoderKind.Contractive:
                penalties.Add(new ContractivePenalty(options.ContractiveWeight, options.ContractiveProjections, generator));
                break;
            case AutoencoderKind.Variational:
                reconstruction = new SummedLikelihoodLoss(options.Likelihood);
                penalties.Add(new GaussianKLDivergence(options.Beta, options.KLWarmupEpochs));
                break;
        }
        return new TrainingObjective(network, corruption, reconstruction, penalties, schedule, generator);
    }

    /// <summary>Runs the network on a batch as training sees it and returns what every term needs.</summary>
    public TrainingBatch Forward(Tensor clean, int epoch, bool deterministic)
    {
        var input = deterministic || corruption is null ? clean : corruption.Apply(clean);
        if (inputNeedsGrad && !deterministic)
            input = input.detach().requires_grad_(true);
        var encoderOutput = network.EncoderOutput(input);
        var code = network.Description.Bottleneck switch
        {
            BottleneckKind.TopK => AutoencoderNetwork.KeepTopK(encoderOutput, kSchedule!.KAt(epoch)),
            BottleneckKind.Gaussian when !deterministic => Reparameterise(encoderOutput),
            _ => network.Code(encoderOutput),
        };
        return new TrainingBatch(network, clean, input, encoderOutput, code, network.Decode(code), epoch, deterministic);
    }

    /// <summary>The full objective of a batch (penalties needing input gradients are skipped when deterministic).</summary>
    public Tensor Loss(Tensor clean, int epoch, bool deterministic)
    {
        var batch = Forward(clean, epoch, deterministic);
        var loss = reconstruction.Compute(batch);
        foreach (var penalty in penalties)
            if (!(deterministic && penalty is ContractivePenalty))
                loss = loss.Plus(penalty.Compute(batch));
        return loss;
    }

    private Tensor Reparameterise(Tensor encoderOutput)
    {
        var mu = network.Mean(encoderOutput);
        return NetworkMath.Reparameterise(mu, network.LogVariance(encoderOutput), randn(mu.shape, generator: generator));
    }
}

/// <summary>k-sparse: k falls linearly from an initial value to the target over the first half of training (Makhzani &amp; Frey 2013).</summary>
internal sealed class KSparseSchedule(int initialK, int finalK, int totalEpochs)
{
    public int KAt(int epoch)
    {
        var half = Math.Max(1, totalEpochs / 2);
        var t = Math.Min(1.0, epoch / (double)half);
        return (int)Math.Round(initialK + (finalK - initialK) * t);
    }
}
