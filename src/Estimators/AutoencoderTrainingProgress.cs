namespace MLNetAutoencoders;

/// <summary>One epoch's report, for <see cref="AutoencoderOptions.Progress"/>.</summary>
/// <param name="Epoch">The epoch just finished, from 1.</param>
/// <param name="NumberOfEpochs">The number of epochs planned.</param>
/// <param name="TrainingLoss">Mean training objective of the epoch.</param>
/// <param name="ValidationLoss">Validation objective after the epoch, or null without validation data.</param>
/// <param name="Elapsed">Time since training started.</param>
/// <param name="EstimatedRemaining">Estimated time left at the current pace.</param>
public sealed record AutoencoderTrainingProgress(int Epoch, int NumberOfEpochs, float TrainingLoss, float? ValidationLoss,
    TimeSpan Elapsed, TimeSpan EstimatedRemaining)
{
    /// <summary>
    /// Rows read from the input view by this <c>Fit</c> so far, skipped ones included: every row once when training in
    /// memory (they are read before the first epoch); when streaming, the rows of every cursor pass so far (one pass per
    /// epoch, plus the validation passes when the validation rows do not fit the memory budget).
    /// </summary>
    public long RowsRead { get; init; }
}
