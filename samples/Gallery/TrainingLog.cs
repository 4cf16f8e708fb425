namespace MLNetAutoencoders.Samples.Gallery;

/// <summary>
/// One line per epoch: loss, time elapsed and left. Synchronous, unlike System.Progress, which posts to the
/// thread pool and may reorder lines.
/// </summary>
internal sealed class TrainingLog(TextWriter log, string model) : IProgress<AutoencoderTrainingProgress>
{
    public void Report(AutoencoderTrainingProgress p) =>
        log.WriteLine($"  {model}: epoch {p.Epoch,3}/{p.NumberOfEpochs}  loss {p.TrainingLoss:F5}  " +
                      $"{p.Elapsed.TotalSeconds,6:F1} s elapsed, ~{p.EstimatedRemaining.TotalSeconds:F0} s left");
}
