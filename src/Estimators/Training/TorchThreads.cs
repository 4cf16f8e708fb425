using static TorchSharp.torch;

namespace MLNetAutoencoders.Training;

/// <summary>
/// libtorch's intra-op thread count set for the duration of one <c>Fit</c> and restored on dispose
/// (<see cref="AutoencoderOptions.NumberOfThreads"/>). The setting is process-global in libtorch.
/// </summary>
internal sealed class TorchThreads : IDisposable
{
    private readonly int? previous;

    private TorchThreads(int? previous) => this.previous = previous;

    /// <summary>Sets <paramref name="threads"/> (libtorch loaded); null changes nothing and restores nothing.</summary>
    public static TorchThreads Use(int? threads)
    {
        if (threads is not { } count)
            return new TorchThreads(null);
        var previous = get_num_threads();
        set_num_threads(count);
        return new TorchThreads(previous);
    }

    public void Dispose()
    {
        if (previous is { } count)
            set_num_threads(count);
    }
}
