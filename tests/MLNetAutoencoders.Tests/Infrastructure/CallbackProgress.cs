namespace MLNetAutoencoders.Tests.Infrastructure;

/// <summary>
/// Reports training progress to a callback on the training thread, synchronously (.NET's
/// <see cref="Progress{T}"/> posts to the thread pool, too late for a test that acts on a given epoch).
/// </summary>
internal sealed class CallbackProgress(Action<AutoencoderTrainingProgress> report) : IProgress<AutoencoderTrainingProgress>
{
    public void Report(AutoencoderTrainingProgress value) => report(value);
}
