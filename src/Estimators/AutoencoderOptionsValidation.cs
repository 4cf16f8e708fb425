using MLNetAutoencoders.Networks;
using MLNetAutoencoders.Validation;
using static MLNetAutoencoders.Validation.OptionChecks;

namespace MLNetAutoencoders;

/// <summary>Checks options at the public boundary, before any data is read or native code runs.</summary>
internal static class AutoencoderOptionsValidation
{
    /// <summary>Checks everything that does not depend on the input size.</summary>
    public static void Validate(AutoencoderOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        RequireName(o.InputColumnName, nameof(o.InputColumnName));
        RequireName(o.OutputColumnName, nameof(o.OutputColumnName));
        if (o.ReconstructionColumnName is not null) RequireName(o.ReconstructionColumnName, nameof(o.ReconstructionColumnName));
        if (o.ReconstructionErrorColumnName is not null) RequireName(o.ReconstructionErrorColumnName, nameof(o.ReconstructionErrorColumnName));
        var outputs = new[] { o.OutputColumnName, o.ReconstructionColumnName, o.ReconstructionErrorColumnName }.Where(n => n is not null).ToList();
        if (outputs.Distinct().Count() != outputs.Count)
            throw new ArgumentException($"Output column names must differ; got '{string.Join("', '", outputs)}'.", nameof(o));
        ValidateNetworkAndTraining(o);
    }

    /// <summary>
    /// Checks the kind, architecture, variant settings and training, but not the column names: the anomaly detector
    /// ignores those and checks only this. With <paramref name="automaticAllowed"/> (the detector, before it sees the
    /// data), a LatentDimension, NumberOfEpochs or BatchSize of 0 mean "automatic"; null HiddenLayerSizes are automatic
    /// everywhere. With an ImageShape, the convolution stages must fit the image.
    /// </summary>
    public static void ValidateNetworkAndTraining(AutoencoderOptions o, bool automaticAllowed = false)
    {
        ArgumentNullException.ThrowIfNull(o);
        RequireDefined(o.Kind, nameof(o.Kind));
        var automaticLatent = automaticAllowed && o.LatentDimension == 0;
        if (!automaticLatent)
            RequirePositive(o.LatentDimension, nameof(o.LatentDimension));
        foreach (var size in o.HiddenLayerSizes ?? [])
            if (size < 1 || size > NetworkDescription.MaxLayerSize) Fail(nameof(o.HiddenLayerSizes), size, $"layer sizes in [1, {NetworkDescription.MaxLayerSize}]");
        if (o.ImageShape is { } image)
            ConvolutionLayout.Create(image, o.ConvolutionChannels); // the layout the network will have, built and thrown away
        if (!(automaticAllowed && o.NumberOfEpochs == 0))
            RequirePositive(o.NumberOfEpochs, nameof(o.NumberOfEpochs));
        if (!(automaticAllowed && o.BatchSize == 0))
            RequirePositive(o.BatchSize, nameof(o.BatchSize));
        RequirePositive(o.ScoringBatchSize, nameof(o.ScoringBatchSize));
        if (o.NumberOfThreads is { } threads) RequirePositive(threads, nameof(o.NumberOfThreads));
        RequireDefined(o.DataMode, nameof(o.DataMode));
        if (o.MemoryBudgetBytes is { } budget && budget < 1) Fail(nameof(o.MemoryBudgetBytes), budget, "a positive number of bytes");
        RequirePositive(o.ShufflePoolRows, nameof(o.ShufflePoolRows));
        if (!(o.LearningRate > 0) || !double.IsFinite(o.LearningRate)) Fail(nameof(o.LearningRate), o.LearningRate, "a positive finite value");
        if (!(o.WeightDecay >= 0)) Fail(nameof(o.WeightDecay), o.WeightDecay, "a non-negative value");
        if (!(o.Momentum >= 0 && o.Momentum < 1)) Fail(nameof(o.Momentum), o.Momentum, "a value in [0, 1)");
        if (!(o.ValidationFraction >= 0 && o.ValidationFraction <= 0.5f)) Fail(nameof(o.ValidationFraction), o.ValidationFraction, "a value in [0, 0.5]");
        if (o.EarlyStoppingPatience < 0) Fail(nameof(o.EarlyStoppingPatience), o.EarlyStoppingPatience, "a non-negative value");
        if (o.EarlyStoppingPatience > 0 && o.ValidationFraction <= 0)
            throw new ArgumentException("EarlyStoppingPatience needs validation data: set ValidationFraction above 0.", nameof(o.EarlyStoppingPatience));

        var maxLevel = o.Corruption == CorruptionKind.Gaussian ? float.MaxValue : 1f;
        if (!(o.CorruptionLevel >= 0 && o.CorruptionLevel <= maxLevel)) Fail(nameof(o.CorruptionLevel), o.CorruptionLevel, o.Corruption == CorruptionKind.Gaussian ? "a non-negative standard deviation" : "a fraction in [0, 1]");
        if (!(o.SparsityL1Weight >= 0)) Fail(nameof(o.SparsityL1Weight), o.SparsityL1Weight, "a non-negative weight");
        if (!(o.SparsityKLWeight >= 0)) Fail(nameof(o.SparsityKLWeight), o.SparsityKLWeight, "a non-negative weight");
        if (!(o.SparsityTarget > 0 && o.SparsityTarget < 1)) Fail(nameof(o.SparsityTarget), o.SparsityTarget, "a target activation in (0, 1)");
        if (!(o.ContractiveWeight >= 0)) Fail(nameof(o.ContractiveWeight), o.ContractiveWeight, "a non-negative weight");
        RequirePositive(o.ContractiveProjections, nameof(o.ContractiveProjections));
        if (!(o.Beta >= 0)) Fail(nameof(o.Beta), o.Beta, "a non-negative weight");
        if (o.KLWarmupEpochs < 0) Fail(nameof(o.KLWarmupEpochs), o.KLWarmupEpochs, "a non-negative number of epochs");

        if (o.Kind == AutoencoderKind.KSparse && !automaticLatent)
        {
            if (o.KSparseK < 1 || o.KSparseK > o.LatentDimension) Fail(nameof(o.KSparseK), o.KSparseK, $"k in [1, LatentDimension = {o.LatentDimension}]");
            if (o.KSparseInitialK is { } k0 && (k0 < o.KSparseK || k0 > o.LatentDimension)) Fail(nameof(o.KSparseInitialK), k0, $"a value in [KSparseK = {o.KSparseK}, LatentDimension = {o.LatentDimension}]");
            if (!(o.KSparseScoringAlpha >= 1)) Fail(nameof(o.KSparseScoringAlpha), o.KSparseScoringAlpha, "alpha ≥ 1");
            var scoringTopK = AutoencoderArchitecture.ScoringTopK(o);
            if (scoringTopK > o.LatentDimension) Fail(nameof(o.KSparseScoringAlpha), o.KSparseScoringAlpha, $"alpha * k = {scoringTopK} at most LatentDimension = {o.LatentDimension}");
        }

        if (ProbabilisticOutputReader(o) is { } reader)
            RequireSigmoidOutput(o.OutputActivation, reader, nameof(o.OutputActivation));
    }

    /// <summary>
    /// What in the training objective reads the decoder outputs as probabilities in [0, 1] ("Binary cross-entropy",
    /// "The Bernoulli likelihood"), or null when nothing does.
    /// </summary>
    public static string? ProbabilisticOutputReader(AutoencoderOptions o) => o.Kind == AutoencoderKind.Variational
        ? o.Likelihood == VaeLikelihood.Bernoulli ? "The Bernoulli likelihood" : null
        : o.Loss == ReconstructionLoss.BinaryCrossEntropy ? "Binary cross-entropy" : null;
}
