using static TorchSharp.torch;

namespace MLNetAutoencoders.Training;

/// <summary>One additive term of a variant's training objective.</summary>
internal interface ILossTerm
{
    /// <summary>Short name for logs.</summary>
    string Name { get; }

    /// <summary>The term's scalar contribution for this batch.</summary>
    Tensor Compute(TrainingBatch batch);
}
